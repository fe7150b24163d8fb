"""Building blocks of the official TRM (docs/spec.md §1.2), with the official parameter names.

Weights are stored fp32 and cast to the activation dtype at use ("Casted*"). RMSNorm has no weight and runs
in fp32 (float64 when the activations are float64, so a float64 run stays float64 end to end).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def trunc_normal_(tensor: torch.Tensor, std: float = 1.0, lower: float = -2.0, upper: float = 2.0) -> torch.Tensor:
    """JAX-style truncated normal: cut at ±2σ, σ corrected so the truncated distribution has std `std`.

    Samples by inverse CDF (uniform in erf space, then erfinv), the way the official init does, so a given
    torch seed yields the same weights.
    """
    with torch.no_grad():
        if std == 0:
            return tensor.zero_()
        sqrt2 = math.sqrt(2.0)
        a, b = math.erf(lower / sqrt2), math.erf(upper / sqrt2)
        z = (b - a) / 2
        c = (2 * math.pi) ** -0.5
        pdf_lower, pdf_upper = c * math.exp(-0.5 * lower**2), c * math.exp(-0.5 * upper**2)
        # Variance of a standard normal truncated to [lower, upper] (a symmetric cut here).
        trunc_var = 1 - (upper * pdf_upper - lower * pdf_lower) / z - ((pdf_upper - pdf_lower) / z) ** 2
        corrected = std / math.sqrt(trunc_var)
        tensor.uniform_(a, b).erfinv_().mul_(sqrt2 * corrected).clip_(lower * corrected, upper * corrected)
    return tensor


def norm_dtype(dtype: torch.dtype) -> torch.dtype:
    """fp32 for bf16/f16/f32 activations (official), f64 for f64 activations."""
    return torch.promote_types(dtype, torch.float32)


def rms_norm(x: torch.Tensor, eps: float) -> torch.Tensor:
    """Weightless RMSNorm over the last axis, computed in fp32, returned in the input dtype."""
    h = x.to(norm_dtype(x.dtype))
    h = h * torch.rsqrt(h.square().mean(-1, keepdim=True) + eps)
    return h.to(x.dtype)


class CastedLinear(nn.Module):
    """y = x·Wᵀ (+ b) with fp32 W [out, in] cast to x's dtype. Init: truncated normal, std 1/sqrt(in)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = False):
        super().__init__()
        self.weight = nn.Parameter(trunc_normal_(torch.empty(out_features, in_features), std=in_features**-0.5))
        self.bias = nn.Parameter(torch.zeros(out_features)) if bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        bias = self.bias.to(x.dtype) if self.bias is not None else None
        return F.linear(x, self.weight.to(x.dtype), bias)


class CastedEmbedding(nn.Module):
    """Lookup in an fp32 table [num, dim] cast to `cast_to` first."""

    def __init__(self, num_embeddings: int, embedding_dim: int, init_std: float, cast_to: torch.dtype):
        super().__init__()
        self.cast_to = cast_to
        self.embedding_weight = nn.Parameter(trunc_normal_(torch.empty(num_embeddings, embedding_dim), std=init_std))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return F.embedding(ids, self.embedding_weight.to(self.cast_to))


class PuzzleEmbedding(nn.Module):
    """The per-puzzle table: a persistent *buffer* `weights` (not a Parameter: Adam/EMA skip it).

    Eval: a plain lookup. Training: the batch's rows are copied into the leaf tensor `local_weights`
    (requires grad) and their ids into `local_ids`, so a sparse SignSGD step can read `local_weights.grad`
    after backward and write the rows back (official `CastedSparseEmbedding`).
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, cast_to: torch.dtype):
        super().__init__()
        self.cast_to = cast_to
        self.register_buffer("weights", torch.zeros(num_embeddings, embedding_dim), persistent=True)
        self.local_weights: torch.Tensor | None = None
        self.local_ids: torch.Tensor | None = None

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return self.weights[ids].to(self.cast_to)
        self.local_ids = ids.detach().clone()
        self.local_weights = self.weights[ids].detach().clone().requires_grad_(True)
        return self.local_weights.to(self.cast_to)


class SwiGLU(nn.Module):
    """down(silu(gate) · up), gate = first half of gate_up_proj's output, up = second half."""

    def __init__(self, hidden_size: int, inter: int):
        super().__init__()
        self.gate_up_proj = CastedLinear(hidden_size, 2 * inter)
        self.down_proj = CastedLinear(inter, hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate, up = self.gate_up_proj(x).chunk(2, dim=-1)
        return self.down_proj(F.silu(gate) * up)


class RotaryEmbedding(nn.Module):
    """cos/sin tables [S, head_dim] for rotate-half RoPE over absolute positions 0..S-1 (not saved)."""

    def __init__(self, head_dim: int, max_positions: int, base: float, dtype: torch.dtype = torch.float32):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=dtype) / head_dim))
        freqs = torch.outer(torch.arange(max_positions, dtype=dtype), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        self.register_buffer("cos_cached", emb.cos(), persistent=False)
        self.register_buffer("sin_cached", emb.sin(), persistent=False)

    def forward(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.cos_cached, self.sin_cached


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x: [B, S, H, D]; computed in the tables' dtype (fp32), returned in x's dtype."""
    h = x.to(cos.dtype)
    return (h * cos.unsqueeze(-2) + rotate_half(h) * sin.unsqueeze(-2)).to(x.dtype)


class Attention(nn.Module):
    """Non-causal multi-head attention, no mask. qkv_proj output viewed as [B, S, 3·heads, D]: Q | K | V."""

    def __init__(self, hidden_size: int, num_heads: int):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = hidden_size // num_heads
        self.qkv_proj = CastedLinear(hidden_size, 3 * num_heads * self.head_dim)
        self.o_proj = CastedLinear(num_heads * self.head_dim, hidden_size)

    def forward(self, x: torch.Tensor, cos_sin: tuple[torch.Tensor, torch.Tensor] | None) -> torch.Tensor:
        batch, seq, _ = x.shape
        qkv = self.qkv_proj(x).view(batch, seq, 3 * self.num_heads, self.head_dim)
        q, k, v = qkv.split(self.num_heads, dim=2)
        if cos_sin is not None:
            cos, sin = cos_sin
            q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # [B, H, S, D]
        out = F.scaled_dot_product_attention(q, k, v, is_causal=False)
        return self.o_proj(out.transpose(1, 2).reshape(batch, seq, self.num_heads * self.head_dim))
