"""Exponential moving average of the trainable parameters (official EMAHelper, docs/spec.md §5.4).

shadow = rate·shadow + (1 - rate)·param after every optimizer step; buffers (puzzle table, H/L_init) are not
averaged. `horizon` = 1 / (1 - rate) steps is the easier knob for short CPU runs (official: 0.999 = 1000 steps).
"""
from __future__ import annotations

import copy

import torch
from torch import nn


class EMA:
    def __init__(self, model: nn.Module, rate: float = 0.999):
        if not 0 <= rate < 1:
            raise ValueError(f"EMA rate must be in [0, 1), got {rate}")
        self.rate = rate
        self.shadow = {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        for n, p in model.named_parameters():
            if n in self.shadow:
                self.shadow[n].lerp_(p.detach(), 1 - self.rate)

    def averaged_copy(self, model: nn.Module) -> nn.Module:
        """A deep copy of `model` with the shadow values loaded (current buffers kept)."""
        m = copy.deepcopy(model)
        with torch.no_grad():
            for n, p in m.named_parameters():
                if n in self.shadow:
                    p.copy_(self.shadow[n])
        return m

    def state_dict(self) -> dict:
        return {"rate": self.rate, "shadow": self.shadow}

    def load_state_dict(self, state: dict) -> None:
        missing = set(self.shadow) ^ set(state["shadow"])
        if missing:
            raise ValueError(f"EMA state does not match the model (differing keys: {sorted(missing)[:5]})")
        self.rate = state["rate"]
        for n, t in state["shadow"].items():
            self.shadow[n].copy_(t)
