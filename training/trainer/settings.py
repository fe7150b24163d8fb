"""Training settings: what defines a run (must match to resume) and what only steers this invocation."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass
class RunSettings:
    """Everything that defines a run. Resuming with a different value is an error, never a silent restart."""
    data: str
    task: str
    hidden_size: int = 128
    num_heads: int = 4
    L_layers: int = 2
    H_cycles: int = 2
    L_cycles: int = 4
    expansion: float = 4
    mlp_t: bool = True
    pos_encodings: str = "none"
    puzzle_emb_len: int = 16
    halt_max_steps: int = 16
    halt_exploration_prob: float = 0.1
    forward_dtype: str = "float32"  # official: bfloat16 (use it on CUDA); float32 is ~10x faster on AVX2-only CPUs
    autocast_bf16: bool = False  # float32 weights/activations with torch.autocast(bfloat16) around the forward
    global_batch: int = 32
    optimizer: str = "adam_atan2"
    lr: float = 3e-4
    lr_warmup_steps: int = 100
    lr_min_ratio: float = 1.0  # 1.0 = constant after warmup (official); <1 = cosine over the run's budget
    weight_decay: float = 1.0
    beta1: float = 0.9
    beta2: float = 0.95
    puzzle_emb_lr: float = 1e-4
    puzzle_emb_weight_decay: float = 1.0
    ema_rate: float = 0.999
    # Cross-entropy weight of the cells whose label differs from the input (a maze's path: ~10% of the cells, so
    # copying the input is a deep basin). 1 = the official loss, unchanged; the model is the same either way.
    changed_weight: float = 1.0
    seed: int = 0
    budget_minutes: float = 0.0  # schedule horizon for lr_min_ratio < 1 (0 = use budget_steps)
    budget_steps: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "RunSettings":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

    def differences(self, other: "RunSettings") -> list[str]:
        a, b = self.to_dict(), other.to_dict()
        return [f"{k}: checkpoint has {b[k]!r}, command asks for {a[k]!r}" for k in a if a[k] != b.get(k)]


def calls_flops(hidden: int, seq_total: int, inter: int, inter_t: int, mlp_t: bool, L_layers: int) -> float:
    """Model FLOPs of one network call for one example (multiply-add = 2), as flopsPerStep in config.ts."""
    S, h = seq_total, hidden
    block = 2 * S * h * 2 * inter + 2 * S * inter * h
    if mlp_t:
        block += 2 * h * S * 2 * inter_t + 2 * h * inter_t * S
    else:
        block += 2 * S * h * 3 * h + 2 * S * h * h + 2 * 2 * S * S * h
    return L_layers * block


def train_flops_per_example_step(cfg) -> float:
    """Forward of all T·(n+1) calls plus backward (≈2× forward) of the last cycle's n+1 calls."""
    call = calls_flops(cfg.hidden_size, cfg.seq_total, cfg.inter, cfg.inter_t, cfg.mlp_t, cfg.L_layers)
    return call * (cfg.calls_per_step + 2 * (cfg.L_cycles + 1))
