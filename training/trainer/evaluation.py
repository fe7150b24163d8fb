"""Evaluation in the official way (spec §1.7): every example runs all N_sup ACT steps in eval mode; the answer
is argmax(logits) after the last step. We also record the exact accuracy after every step (the accuracy
curve) and the step at which q_halt first turns positive (where an early-halting app would stop)."""
from __future__ import annotations

import numpy as np
import torch


def strided(n_rows: int, limit: int) -> np.ndarray:
    """A fixed, evenly spread sample of `limit` row indices (0 = all rows); files and splits are often sorted."""
    if not limit or limit >= n_rows:
        return np.arange(n_rows)
    return np.floor(np.arange(limit) * (n_rows / limit)).astype(np.int64)


@torch.inference_mode()
def evaluate_arrays(act_model, inputs: np.ndarray, labels: np.ndarray, puzzle_identifiers: np.ndarray,
                    batch_size: int = 256, device="cpu", steps: int | None = None, ignore_label_id: int = 0,
                    return_preds: bool = False) -> dict:
    """act_model: a `TrmACT` (or an `ACTLossHead`, whose `.model` is used). Arrays: [N, seq_len] tokens,
    [N] identifiers. Labels equal to `ignore_label_id` are not scored."""
    act = getattr(act_model, "model", act_model)
    was_training = act.training
    act.eval()
    n_sup = steps or act.config.halt_max_steps
    n = len(inputs)
    exact_per_step = np.zeros(n_sup)
    token_correct = 0.0
    halt_step = np.zeros(n)
    all_preds = []
    for lo in range(0, n, batch_size):
        hi = min(n, lo + batch_size)
        batch = {
            "inputs": torch.as_tensor(inputs[lo:hi].astype(np.int32), device=device),
            "puzzle_identifiers": torch.as_tensor(puzzle_identifiers[lo:hi].astype(np.int32), device=device),
        }
        lab = torch.as_tensor(labels[lo:hi].astype(np.int64), device=device)
        valid = lab != ignore_label_id
        carry = act.initial_carry(batch)
        first_halt = torch.full((hi - lo,), n_sup, dtype=torch.int64, device=device)
        for k in range(n_sup):
            carry, out = act(carry, batch)
            preds = out["logits"].argmax(-1)
            correct = (preds == lab) | ~valid
            exact_per_step[k] += correct.all(-1).sum().item()
            newly = (out["q_halt_logits"] > 0) & (first_halt == n_sup)
            first_halt = torch.where(newly, k + 1, first_halt)
        token_correct += (((preds == lab) & valid).sum(-1).float() / valid.sum(-1).clamp_min(1)).sum().item()
        halt_step[lo:hi] = first_halt.cpu().numpy()
        if return_preds:
            all_preds.append(preds.cpu().numpy())
    act.train(was_training)
    result = {
        "n": n,
        "exact_accuracy": float(exact_per_step[-1] / max(1, n)),
        "token_accuracy": float(token_correct / max(1, n)),
        "exact_accuracy_per_step": [float(x / max(1, n)) for x in exact_per_step],
        "mean_halting_step": float(halt_step.mean()) if n else 0.0,
    }
    if return_preds:
        result["preds"] = np.concatenate(all_preds) if all_preds else np.zeros((0, inputs.shape[1]), np.int64)
    return result
