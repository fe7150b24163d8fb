"""Optimizers of the official recipe (docs/spec.md §5.4), in plain torch.

AdamATan2 with a = b = 1 and no eps (the `adam-atan2` package's maths), AdamW as an alternative, SignSGD for
the sparse puzzle-embedding rows, and the warmup + cosine learning-rate schedule.
"""
from __future__ import annotations

import math

import torch
import torch.distributed as dist


class AdamATan2(torch.optim.Optimizer):
    """Per element: p *= 1 - lr·wd; m = lerp(m, g, 1-β1); v = lerp(v, g², 1-β2);
    p -= lr/(1-β1^t) · atan2(m, sqrt(v)/sqrt(1-β2^t)). Scale-invariant and needs no eps."""

    def __init__(self, params, lr: float = 1e-4, betas=(0.9, 0.95), weight_decay: float = 0.0):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            lr, (b1, b2), wd = group["lr"], group["betas"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = torch.zeros((), dtype=torch.float32)
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"].item()
                g = p.grad
                p.mul_(1 - lr * wd)
                state["exp_avg"].lerp_(g, 1 - b1)
                state["exp_avg_sq"].lerp_(g.square(), 1 - b2)
                denom = state["exp_avg_sq"].sqrt() / math.sqrt(1 - b2 ** t)
                p.add_(torch.atan2(state["exp_avg"], denom), alpha=-lr / (1 - b1 ** t))
        return None


def make_optimizer(name: str, params, lr: float, weight_decay: float, betas=(0.9, 0.95)) -> torch.optim.Optimizer:
    if name == "adam_atan2":
        return AdamATan2(params, lr=lr, betas=betas, weight_decay=weight_decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, betas=betas, weight_decay=weight_decay, foreach=True)
    raise ValueError(f"unknown optimizer {name!r}: use adam_atan2 (official) or adamw")


@torch.no_grad()
def sign_sgd_embedding_step(puzzle_emb, lr: float, weight_decay: float) -> None:
    """Official sparse SignSGD on the rows used by this batch: gradients of repeated ids are summed (across
    ranks too), then w[id] = w[id]·(1 - lr·wd) - lr·sign(grad)."""
    local_w, local_ids = puzzle_emb.local_weights, puzzle_emb.local_ids
    if local_w is None or local_w.grad is None:
        return
    grad, ids = local_w.grad, local_ids.to(torch.long)
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        n = dist.get_world_size()
        grads = [torch.empty_like(grad) for _ in range(n)]
        idss = [torch.empty_like(ids) for _ in range(n)]
        dist.all_gather(grads, grad.contiguous())
        dist.all_gather(idss, ids.contiguous())
        grad, ids = torch.cat(grads), torch.cat(idss)
    uniq, inverse = ids.unique(return_inverse=True)
    summed = torch.zeros(len(uniq), grad.shape[1], dtype=grad.dtype, device=grad.device).index_add_(0, inverse, grad)
    rows = puzzle_emb.weights[uniq]
    rows.mul_(1 - lr * weight_decay).add_(torch.sign(summed), alpha=-lr)
    puzzle_emb.weights[uniq] = rows
    local_w.grad = None


def lr_at(progress_step: float, base_lr: float, warmup_steps: int, total: float, min_ratio: float) -> float:
    """Linear warmup from 0 over `warmup_steps`, then cosine from base_lr to min_ratio·base_lr at `total`
    (min_ratio 1.0, the official default, keeps the rate constant). `total` may be steps or a time-based
    step estimate."""
    if progress_step < warmup_steps:
        return base_lr * progress_step / max(1, warmup_steps)
    progress = (progress_step - warmup_steps) / max(1.0, total - warmup_steps)
    progress = min(1.0, max(0.0, progress))
    return base_lr * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))
