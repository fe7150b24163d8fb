"""Loss head (official `ACTLossHead`, docs/spec.md §5.3): stablemax cross-entropy in float64 per example, plus
0.5·BCE(q_halt, whole-sequence-correct). Wraps the ACT model as `.model` so keys are `model.inner.*`."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import TrmConfig
from .model import ACTCarry, Batch, TrmACT

IGNORE_LABEL_ID = -100


def stablemax_s(x: torch.Tensor, eps: float = 1e-30) -> torch.Tensor:
    """s(x) = x + 1 for x ≥ 0, 1/(1 − x) for x < 0: a softmax replacement that grows linearly, not exp."""
    return torch.where(x < 0, 1 / (1 - x + eps), x + 1)


def log_stablemax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    s = stablemax_s(x)
    return torch.log(s / s.sum(dim=dim, keepdim=True))


def stablemax_cross_entropy(logits: torch.Tensor, labels: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Per-token loss [B, seq_len], 0 where not valid. Computed in float64."""
    logprobs = log_stablemax(logits.to(torch.float64))
    safe_labels = torch.where(valid, labels, 0).to(torch.long)
    picked = logprobs.gather(-1, safe_labels.unsqueeze(-1)).squeeze(-1)
    return -torch.where(valid, picked, 0)


def lm_loss_per_row(ce: torch.Tensor, valid: torch.Tensor, labels: torch.Tensor, inputs: torch.Tensor,
                    changed_weight: float = 1.0) -> torch.Tensor:
    """Per-row mean of the token losses `ce` [B, seq_len] over valid cells: the official loss for
    changed_weight = 1 (exactly its expression). Otherwise a weighted mean in which cells whose label differs from the
    input count `changed_weight` times: a training choice (train.py --changed-weight), not the official loss."""
    if changed_weight == 1.0:
        return (ce / valid.sum(-1).clamp_min(1).unsqueeze(-1)).sum(-1)
    w = torch.where(valid & (labels != inputs), changed_weight, 1.0).to(ce.dtype) * valid
    return (ce * w).sum(-1) / w.sum(-1).clamp_min(1)


class ACTLossHead(nn.Module):
    def __init__(self, model: TrmACT, changed_weight: float = 1.0):
        super().__init__()
        self.model = model
        self.changed_weight = changed_weight

    @classmethod
    def from_config(cls, config: TrmConfig, changed_weight: float = 1.0) -> "ACTLossHead":
        return cls(TrmACT(config), changed_weight)

    @property
    def config(self) -> TrmConfig:
        return self.model.config

    def initial_carry(self, batch: Batch) -> ACTCarry:
        return self.model.initial_carry(batch)

    def forward(self, carry: ACTCarry, batch: Batch, return_keys: tuple[str, ...] = ()):
        """Returns (new_carry, loss, metrics, outputs[return_keys] detached, all rows halted).

        `batch["labels"]` uses -100 for ignored cells. Metrics are sums over rows that halted at this
        call (divide by metrics["count"]), as in the official code.
        """
        new_carry, outputs = self.model(carry, batch)
        labels = new_carry.current_data["labels"]
        logits = outputs["logits"]
        with torch.no_grad():
            outputs["preds"] = preds = logits.argmax(-1)
            valid = labels != IGNORE_LABEL_ID
            counts = valid.sum(-1)
            divisor = counts.clamp_min(1).unsqueeze(-1)
            correct = valid & (preds == labels)
            seq_correct = correct.sum(-1) == counts
            counted = new_carry.halted & (counts > 0)
            metrics = {
                "count": counted.sum(),
                "accuracy": torch.where(counted, (correct.to(torch.float32) / divisor).sum(-1), 0).sum(),
                "exact_accuracy": (counted & seq_correct).sum(),
                "q_halt_accuracy": (counted & ((outputs["q_halt_logits"] >= 0) == seq_correct)).sum(),
                "steps": torch.where(counted, new_carry.steps, 0).sum(),
            }
        if self.changed_weight == 1.0:
            lm_loss = (stablemax_cross_entropy(logits, labels, valid) / divisor).sum()
        else:
            lm_loss = lm_loss_per_row(stablemax_cross_entropy(logits, labels, valid), valid, labels,
                                      new_carry.current_data["inputs"], self.changed_weight).sum()
        q_halt = outputs["q_halt_logits"]
        q_halt_loss = F.binary_cross_entropy_with_logits(q_halt, seq_correct.to(q_halt.dtype), reduction="sum")
        metrics["lm_loss"] = lm_loss.detach()
        metrics["q_halt_loss"] = q_halt_loss.detach()
        detached = {k: outputs[k].detach() for k in return_keys if k in outputs}
        return new_carry, lm_loss + 0.5 * q_halt_loss, metrics, detached, new_carry.halted.all()
