"""Evaluation in the official way (docs/spec.md §1.7): every example runs all N_sup ACT steps in eval mode; the answer
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


def _act_steps(act, inputs: np.ndarray, puzzle_identifiers: np.ndarray, batch_size: int, device, n_sup: int):
    """Runs rows [lo, hi) batch by batch through all n_sup ACT steps; yields (lo, hi, k, preds, q_halt_logits)
    after step k (0-based) of each batch."""
    for lo in range(0, len(inputs), batch_size):
        hi = min(len(inputs), lo + batch_size)
        batch = {
            "inputs": torch.as_tensor(inputs[lo:hi].astype(np.int32), device=device),
            "puzzle_identifiers": torch.as_tensor(puzzle_identifiers[lo:hi].astype(np.int32), device=device),
        }
        carry = act.initial_carry(batch)
        for k in range(n_sup):
            carry, out = act(carry, batch)
            yield lo, hi, k, out["logits"].argmax(-1), out["q_halt_logits"]


class _Tally:
    """Exact accuracy per step, token accuracy after the last step, first step with q_halt > 0 (n_sup if never).
    With `path_token` (mazes): per step, path recall (label path cells predicted as path) and precision (predicted
    path cells that are on the label path), each pooled over all rows' cells."""

    def __init__(self, n: int, n_sup: int, path_token: int | None = None):
        self.n, self.n_sup = n, n_sup
        self.exact_per_step = np.zeros(n_sup)
        self.token_correct = 0.0
        self.halt_step = np.full(n, n_sup)
        self.solved = np.zeros(n, bool)
        self.path_token = path_token
        self.path_hits = np.zeros(n_sup)
        self.path_predicted = np.zeros(n_sup)
        self.path_true = np.zeros(n_sup)

    def add(self, lo: int, k: int, preds: np.ndarray, labels: np.ndarray, scored: np.ndarray, q_halt: np.ndarray):
        exact = ((preds == labels) | ~scored).all(-1)
        self.exact_per_step[k] += exact.sum()
        if self.path_token is not None:
            pred_path, true_path = preds == self.path_token, labels == self.path_token
            self.path_hits[k] += (pred_path & true_path).sum()
            self.path_predicted[k] += pred_path.sum()
            self.path_true[k] += true_path.sum()
        rows = np.arange(lo, lo + len(preds))
        newly = (q_halt > 0) & (self.halt_step[rows] == self.n_sup)
        self.halt_step[rows[newly]] = k + 1
        if k == self.n_sup - 1:
            self.token_correct += (((preds == labels) & scored).sum(-1) / np.maximum(scored.sum(-1), 1)).sum()
            self.solved[rows] = exact

    def result(self) -> dict:
        n = max(1, self.n)
        return {
            "n": self.n,
            "exact_accuracy": float(self.exact_per_step[-1] / n),
            "token_accuracy": float(self.token_correct / n),
            "exact_accuracy_per_step": [float(x / n) for x in self.exact_per_step],
            "mean_halting_step": float(self.halt_step.mean()) if self.n else 0.0,
            **({} if self.path_token is None else {
                "path_recall_per_step": [float(h / max(t, 1)) for h, t in zip(self.path_hits, self.path_true)],
                "path_precision_per_step": [float(h / max(p, 1)) for h, p in zip(self.path_hits, self.path_predicted)],
            }),
        }


def _eval_mode(act_model):
    act = getattr(act_model, "model", act_model)
    return act, act.training


@torch.inference_mode()
def evaluate_arrays(act_model, inputs: np.ndarray, labels: np.ndarray, puzzle_identifiers: np.ndarray,
                    batch_size: int = 256, device="cpu", steps: int | None = None, ignore_label_id: int = 0,
                    return_preds: bool = False, path_token: int | None = None) -> dict:
    """act_model: a `TrmACT` (or an `ACTLossHead`, whose `.model` is used). Arrays: [N, seq_len] tokens,
    [N] identifiers. Labels equal to `ignore_label_id` are not scored. `return_preds` adds the last step's
    predictions and q_halt logits. `path_token` (the maze path token) adds path recall and precision per step."""
    act, was_training = _eval_mode(act_model)
    act.eval()
    n_sup = steps or act.config.halt_max_steps
    tally = _Tally(len(inputs), n_sup, path_token)
    final_preds = np.zeros(inputs.shape, np.int64)
    final_q = np.zeros(len(inputs), np.float32)
    for lo, hi, k, preds, q_halt in _act_steps(act, inputs, puzzle_identifiers, batch_size, device, n_sup):
        p = preds.cpu().numpy()
        q = q_halt.float().cpu().numpy()
        lab = labels[lo:hi].astype(np.int64)
        tally.add(lo, k, p, lab, lab != ignore_label_id, q)
        if k == n_sup - 1:
            final_preds[lo:hi] = p
            final_q[lo:hi] = q
    act.train(was_training)
    result = tally.result()
    if return_preds:
        result["preds"] = final_preds
        result["q_halt_logits"] = final_q
    return result


@torch.inference_mode()
def evaluate_sudoku_views(act_model, inputs: np.ndarray, labels: np.ndarray, views: int, batch_size: int = 256,
                          device="cpu", steps: int | None = None) -> dict:
    """Sudoku with test-time views (data/sudoku_views.py), as the app solves with them: every puzzle runs as
    `views` rows side by side; after each step its answer is the first view's answer that obeys the rules (mapped
    back to the puzzle), else view 0's (the puzzle as given). Scored like evaluate_arrays on those answers, and
    q_halt is the shown view's. Also returns `solved` per puzzle, `single_view_exact` (view 0 alone) and
    `exact_accuracy_by_views` (with the first 1, 2, ..., V views: one run gives the whole curve)."""
    from data.sudoku_views import solves, sudoku_views, unview_tokens, view_tokens

    act, was_training = _eval_mode(act_model)
    act.eval()
    n_sup = steps or act.config.halt_max_steps
    vs = sudoku_views(views)
    V, n = len(vs), len(inputs)
    rows = np.stack([view_tokens(inputs, v) for v in vs], 1).reshape(n * V, -1)  # puzzle-major
    tally = _Tally(n, n_sup)
    by_views = np.zeros(V)
    per_batch = max(1, batch_size // V) * V
    for lo, hi, k, preds, q_halt in _act_steps(act, rows, np.zeros(n * V, np.int32), per_batch, device, n_sup):
        p0, p1 = lo // V, hi // V
        viewed = preds.cpu().numpy().reshape(p1 - p0, V, -1)
        answers = np.stack([unview_tokens(viewed[:, v], vs[v]) for v in range(V)], 1)
        ok = np.stack([solves(inputs[p0:p1], answers[:, v]) for v in range(V)], 1)
        shown = np.where(ok.any(1), ok.argmax(1), 0)
        pick = np.arange(p1 - p0)
        lab = labels[p0:p1].astype(np.int64)
        q = q_halt.float().cpu().numpy().reshape(p1 - p0, V)[pick, shown]
        tally.add(p0, k, answers[pick, shown], lab, np.ones_like(lab, bool), q)
        if k == n_sup - 1:  # what the first 1, 2, ..., V views alone would have answered
            for j in range(V):
                first = np.where(ok[:, :j + 1].any(1), ok[:, :j + 1].argmax(1), 0)
                by_views[j] += int((answers[pick, first] == lab).all(-1).sum())
    act.train(was_training)
    by_views = [float(x / max(1, n)) for x in by_views]
    return {**tally.result(), "views": V, "single_view_exact": by_views[0], "exact_accuracy_by_views": by_views,
            "solved": tally.solved.tolist()}
