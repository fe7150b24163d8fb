"""The official Tiny Recursion Model (docs/spec.md §1), module and parameter names equal to the official keys.

    TrmInner  (= official `..._ACTV1_Inner`, reached as `model.inner`): one ACT step, T cycles of
              n latent updates  z_L = net(z_L, z_H + x)  and one answer update  z_H = net(z_H, z_L).
    TrmACT    (= official `TinyRecursiveReasoningModel_ACTV1`): the carry, resets and halting rule.
    ACTLossHead (loss.py) wraps TrmACT as `.model`, so its state_dict keys are `model.inner.*`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import torch
from torch import nn

from .config import TrmConfig
from .layers import (Attention, CastedEmbedding, CastedLinear, PuzzleEmbedding, RotaryEmbedding, SwiGLU,
                     norm_dtype, rms_norm, trunc_normal_)

Batch = dict[str, torch.Tensor]  # "inputs" [B, seq_len] int, "puzzle_identifiers" [B] int, "labels" [B, seq_len]
# recorder(cycle, call, target, z_H, z_L): called after every network call; target "z" (latent) or "y" (answer).
Recorder = Callable[[int, int, str, torch.Tensor, torch.Tensor], None]


@dataclass
class InnerCarry:
    z_H: torch.Tensor  # answer y   [B, seq_total, hidden]
    z_L: torch.Tensor  # latent z   [B, seq_total, hidden]


@dataclass
class ACTCarry:
    inner_carry: InnerCarry
    steps: torch.Tensor  # [B] int32, ACT steps taken by the current example
    halted: torch.Tensor  # [B] bool; a halted row takes a fresh example at the next call
    current_data: Batch


class Block(nn.Module):
    """Post-norm block: token mixing (attention, or an MLP over the positions axis), then a channel SwiGLU."""

    def __init__(self, c: TrmConfig):
        super().__init__()
        self.eps = c.rms_norm_eps
        self.use_mlp_t = c.mlp_t
        if c.mlp_t:
            self.mlp_t = SwiGLU(c.seq_total, c.inter_t)
        else:
            self.self_attn = Attention(c.hidden_size, c.num_heads)
        self.mlp = SwiGLU(c.hidden_size, c.inter)

    def forward(self, h: torch.Tensor, cos_sin) -> torch.Tensor:
        if self.use_mlp_t:
            t = h.transpose(1, 2)  # [B, hidden, S]: SwiGLU and RMSNorm act over the positions, per channel
            h = rms_norm(t + self.mlp_t(t), self.eps).transpose(1, 2)
        else:
            h = rms_norm(h + self.self_attn(h, cos_sin), self.eps)
        return rms_norm(h + self.mlp(h), self.eps)


class ReasoningModule(nn.Module):
    """The one network `net(state, injection)` used for both updates (official `L_level`)."""

    def __init__(self, c: TrmConfig):
        super().__init__()
        self.layers = nn.ModuleList(Block(c) for _ in range(c.L_layers))

    def forward(self, state: torch.Tensor, injection: torch.Tensor, cos_sin) -> torch.Tensor:
        h = state + injection
        for layer in self.layers:
            h = layer(h, cos_sin)
        return h


class TrmInner(nn.Module):
    def __init__(self, c: TrmConfig):
        super().__init__()
        self.config = c
        self.forward_dtype: torch.dtype = getattr(torch, c.forward_dtype)
        self.puzzle_emb_len = c.puzzle_emb_len
        self.recorder: Optional[Recorder] = None
        # Construction order = official order, so torch.manual_seed(s) gives the official init.
        self.embed_tokens = CastedEmbedding(c.vocab_size, c.hidden_size, init_std=1 / c.embed_scale,
                                            cast_to=self.forward_dtype)
        self.lm_head = CastedLinear(c.hidden_size, c.vocab_size, bias=False)
        self.q_head = CastedLinear(c.hidden_size, 2, bias=True)
        if c.puzzle_emb_ndim > 0:
            self.puzzle_emb = PuzzleEmbedding(c.num_puzzle_identifiers, c.puzzle_emb_ndim, self.forward_dtype)
        if c.pos_encodings == "rope":
            self.rotary_emb = RotaryEmbedding(c.head_dim, c.seq_total, c.rope_theta, norm_dtype(self.forward_dtype))
        elif c.pos_encodings == "learned":
            self.embed_pos = CastedEmbedding(c.seq_total, c.hidden_size, init_std=1 / c.embed_scale,
                                             cast_to=self.forward_dtype)
        self.L_level = ReasoningModule(c)
        # Fixed random start states, bf16 as in every official checkpoint; broadcast over positions.
        self.register_buffer("H_init", trunc_normal_(torch.empty(c.hidden_size, dtype=torch.bfloat16), std=1))
        self.register_buffer("L_init", trunc_normal_(torch.empty(c.hidden_size, dtype=torch.bfloat16), std=1))
        with torch.no_grad():  # Q-head starts at "never halt" (sigmoid(-5) ≈ 0.007)
            self.q_head.weight.zero_()
            self.q_head.bias.fill_(-5)

    def input_embeddings(self, inputs: torch.Tensor, puzzle_identifiers: torch.Tensor) -> torch.Tensor:
        """x = embed_scale · [puzzle row, zero rows..., token embeddings]  ([B, seq_total, hidden])."""
        c = self.config
        x = self.embed_tokens(inputs.to(torch.int32))
        if c.puzzle_emb_ndim > 0:
            pe = self.puzzle_emb(puzzle_identifiers)
            pad = self.puzzle_emb_len * c.hidden_size - pe.shape[-1]
            if pad > 0:
                pe = nn.functional.pad(pe, (0, pad))
            x = torch.cat((pe.view(-1, self.puzzle_emb_len, c.hidden_size), x), dim=-2)
        if c.pos_encodings == "learned":
            x = 0.707106781 * (x + self.embed_pos.embedding_weight.to(self.forward_dtype))
        return c.embed_scale * x

    def empty_carry(self, batch_size: int, device=None) -> InnerCarry:
        shape = (batch_size, self.config.seq_total, self.config.hidden_size)
        return InnerCarry(torch.empty(shape, dtype=self.forward_dtype, device=device),
                          torch.empty(shape, dtype=self.forward_dtype, device=device))

    def reset_carry(self, reset: torch.Tensor, carry: InnerCarry) -> InnerCarry:
        r = reset.view(-1, 1, 1)
        return InnerCarry(torch.where(r, self.H_init, carry.z_H), torch.where(r, self.L_init, carry.z_L))

    def forward(self, carry: InnerCarry, batch: Batch):
        """One ACT step. Returns (new carry detached, logits [B, seq_len, vocab], (q_halt, q_continue))."""
        c = self.config
        cos_sin = self.rotary_emb() if c.pos_encodings == "rope" else None
        x = self.input_embeddings(batch["inputs"], batch["puzzle_identifiers"])
        z_H, z_L = carry.z_H, carry.z_L
        rec = self.recorder
        # T-1 cycles without gradient, the last one with full backprop through its n+1 calls.
        for cycle in range(c.H_cycles):
            with torch.set_grad_enabled(torch.is_grad_enabled() and cycle == c.H_cycles - 1):
                for call in range(c.L_cycles):
                    z_L = self.L_level(z_L, z_H + x, cos_sin)
                    if rec is not None:
                        rec(cycle, call, "z", z_H, z_L)
                z_H = self.L_level(z_H, z_L, cos_sin)
                if rec is not None:
                    rec(cycle, c.L_cycles, "y", z_H, z_L)
        logits = self.lm_head(z_H)[:, self.puzzle_emb_len:]
        q = self.q_head(z_H[:, 0]).to(norm_dtype(z_H.dtype))
        return InnerCarry(z_H.detach(), z_L.detach()), logits, (q[..., 0], q[..., 1])


class TrmACT(nn.Module):
    """ACT wrapper: resets halted rows to H_init/L_init with the new example, runs one inner step, halts at
    halt_max_steps; in training also when q_halt > 0, with exploration (random minimum of 2..N_sup steps)."""

    def __init__(self, config: TrmConfig):
        super().__init__()
        self.config = config
        self.inner = TrmInner(config)

    @property
    def puzzle_emb(self) -> PuzzleEmbedding:
        return self.inner.puzzle_emb

    def initial_carry(self, batch: Batch) -> ACTCarry:
        b = batch["inputs"].shape[0]
        device = batch["inputs"].device
        return ACTCarry(self.inner.empty_carry(b, device),
                        steps=torch.zeros(b, dtype=torch.int32, device=device),
                        halted=torch.ones(b, dtype=torch.bool, device=device),  # every row starts fresh
                        current_data={k: torch.empty_like(v) for k, v in batch.items()})

    def forward(self, carry: ACTCarry, batch: Batch):
        c = self.config
        inner_carry = self.inner.reset_carry(carry.halted, carry.inner_carry)
        steps = torch.where(carry.halted, 0, carry.steps)
        data = {k: torch.where(carry.halted.view((-1,) + (1,) * (batch[k].ndim - 1)), batch[k], v)
                for k, v in carry.current_data.items()}
        inner_carry, logits, (q_halt, q_continue) = self.inner(inner_carry, data)
        outputs = {"logits": logits, "q_halt_logits": q_halt, "q_continue_logits": q_continue}
        with torch.no_grad():
            steps = steps + 1
            halted = steps >= c.halt_max_steps
            if self.training and c.halt_max_steps > 1:  # never at evaluation: always N_sup steps
                halted = halted | (q_halt > 0)
                explore = torch.rand_like(q_halt) < c.halt_exploration_prob
                min_steps = explore * torch.randint_like(steps, low=2, high=c.halt_max_steps + 1)
                halted = halted & (steps >= min_steps)
        return ACTCarry(inner_carry, steps, halted, data), outputs
