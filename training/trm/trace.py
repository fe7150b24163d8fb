"""Runs the evaluation loop (fresh carry, N_sup ACT steps, no halting) and records what traces need:
per-step logits / q / preds and, optionally, per-network-call y/z norms and decoded answers."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

from .model import ACTCarry, Batch, InnerCarry, TrmACT


@dataclass
class InnerRecord:
    cycle: int
    call: int
    target: str  # "z" = latent update, "y" = answer update
    y_norm: torch.Tensor  # [B] sqrt(mean(z_H²)) over all positions (prefix included) and channels
    z_norm: torch.Tensor  # [B] same for z_L
    preds: torch.Tensor  # [B, seq_len] argmax of lm_head(z_H) without the prefix


@dataclass
class StepRecord:
    step: int
    logits: torch.Tensor  # [B, seq_len, vocab]
    q_halt_logits: torch.Tensor  # [B]
    q_continue_logits: torch.Tensor  # [B]
    inner: list[InnerRecord] = field(default_factory=list)
    carry: InnerCarry | None = None  # state after this step (what step+1 starts from)

    @property
    def preds(self) -> torch.Tensor:
        return self.logits.argmax(-1)


def rms(x: torch.Tensor) -> torch.Tensor:
    """RMS over every axis but the batch."""
    return x.double().square().flatten(1).mean(-1).sqrt()


def resumed_carry(model: TrmACT, batch: Batch, z_H: torch.Tensor, z_L: torch.Tensor, after_steps: int) -> ACTCarry:
    """An ACT carry that continues from a snapshot taken after `after_steps` steps."""
    dtype = model.inner.forward_dtype
    b = z_H.shape[0]
    return ACTCarry(InnerCarry(z_H.to(dtype), z_L.to(dtype)),
                    steps=torch.full((b,), after_steps, dtype=torch.int32),
                    halted=torch.zeros(b, dtype=torch.bool), current_data=dict(batch))


@torch.inference_mode()
def run_eval(model: TrmACT, batch: Batch, steps: int | None = None, record_inner: bool = False,
             carry: ACTCarry | None = None, keep_carry: bool = False) -> list[StepRecord]:
    """`steps` ACT calls (default halt_max_steps) in eval mode from a fresh carry (or `carry`)."""
    was_training = model.training
    model.eval()
    inner = model.inner
    prefix = inner.puzzle_emb_len
    calls: list[InnerRecord] = []

    def record(cycle: int, call: int, target: str, z_H: torch.Tensor, z_L: torch.Tensor) -> None:
        preds = inner.lm_head(z_H)[:, prefix:].argmax(-1)
        calls.append(InnerRecord(cycle, call, target, rms(z_H), rms(z_L), preds))

    carry = carry if carry is not None else model.initial_carry(batch)
    out: list[StepRecord] = []
    inner.recorder = record if record_inner else None
    try:
        first = int(carry.steps.max()) if not bool(carry.halted.any()) else 0
        for k in range(1, (steps or model.config.halt_max_steps) + 1):
            calls = []
            carry, o = model(carry, batch)
            out.append(StepRecord(first + k, o["logits"], o["q_halt_logits"], o["q_continue_logits"], calls,
                                  carry.inner_carry if keep_carry else None))
    finally:
        inner.recorder = None
        model.train(was_training)
    return out
