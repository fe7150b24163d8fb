"""TrmConfig: the model configuration, field for field the TypeScript `TrmConfig` (src/core/config.ts).

Field names are the official `all_config.yaml` → `arch` keys. Paper names: z_H = answer y, z_L = latent z,
L_cycles = n, H_cycles = T, halt_max_steps = N_sup. `forward_dtype` and `halt_exploration_prob` are run-time
settings of the PyTorch twin; they are not part of the saved JSON (the app format stores weights, not a run).
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

TASKS = ("sudoku", "maze", "arc")
POS_ENCODINGS = ("rope", "none", "learned")
FORWARD_DTYPES = ("float32", "bfloat16", "float64", "float16")

# Fields of the shared JSON (src/core/config.ts), in its order. Everything else stays on the Python side.
JSON_FIELDS = (
    "task", "hidden_size", "num_heads", "expansion", "L_layers", "L_cycles", "H_cycles", "halt_max_steps",
    "mlp_t", "pos_encodings", "seq_len", "vocab_size", "puzzle_emb_len", "puzzle_emb_ndim",
    "num_puzzle_identifiers", "rms_norm_eps", "rope_theta",
)


class ConfigError(ValueError):
    """A TrmConfig field has a bad value; the message names the field."""


def swiglu_intermediate(hidden: int, expansion: float) -> int:
    """round(expansion·h·2/3) rounded up to a multiple of 256 (docs/spec.md §1.2)."""
    return math.ceil(round(expansion * hidden * 2 / 3) / 256) * 256


@dataclass
class TrmConfig:
    task: str
    hidden_size: int
    num_heads: int
    L_cycles: int
    H_cycles: int
    seq_len: int
    vocab_size: int
    num_puzzle_identifiers: int = 1
    expansion: float = 4
    L_layers: int = 2
    halt_max_steps: int = 16
    mlp_t: bool = False
    pos_encodings: str = "rope"
    puzzle_emb_len: int = 16
    puzzle_emb_ndim: int | None = None  # None → hidden_size (every published model)
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0
    # Run-time only (not in the saved JSON).
    forward_dtype: str = "float32"
    halt_exploration_prob: float = 0.1

    def __post_init__(self) -> None:
        if self.puzzle_emb_ndim is None:
            self.puzzle_emb_ndim = self.hidden_size
        self.validate()

    # ---- derived sizes (same as derivedSizes() in config.ts) ----
    @property
    def seq_total(self) -> int:
        """Positions the network sees: puzzle prefix + cells (97 for Sudoku, 916 for Maze/ARC)."""
        return self.seq_len + self.puzzle_emb_len

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_heads

    @property
    def inter(self) -> int:
        return swiglu_intermediate(self.hidden_size, self.expansion)

    @property
    def inter_t(self) -> int:
        return swiglu_intermediate(self.seq_total, self.expansion) if self.mlp_t else 0

    @property
    def embed_scale(self) -> float:
        return math.sqrt(self.hidden_size)

    @property
    def calls_per_step(self) -> int:
        return self.H_cycles * (self.L_cycles + 1)

    def expected_shapes(self) -> dict[str, tuple[int, ...]]:
        """Tensor shapes keyed by official names without `_orig_mod.model.inner.` (= expectedShapes())."""
        h = self.hidden_size
        shapes: dict[str, tuple[int, ...]] = {
            "H_init": (h,),
            "L_init": (h,),
            "embed_tokens.embedding_weight": (self.vocab_size, h),
            "lm_head.weight": (self.vocab_size, h),
            "q_head.weight": (2, h),
            "q_head.bias": (2,),
        }
        if self.puzzle_emb_ndim > 0:
            shapes["puzzle_emb.weights"] = (self.num_puzzle_identifiers, self.puzzle_emb_ndim)
        if self.pos_encodings == "learned":
            shapes["embed_pos.embedding_weight"] = (self.seq_total, h)
        for layer in range(self.L_layers):
            p = f"L_level.layers.{layer}"
            if self.mlp_t:
                shapes[f"{p}.mlp_t.gate_up_proj.weight"] = (2 * self.inter_t, self.seq_total)
                shapes[f"{p}.mlp_t.down_proj.weight"] = (self.seq_total, self.inter_t)
            else:
                shapes[f"{p}.self_attn.qkv_proj.weight"] = (3 * h, h)
                shapes[f"{p}.self_attn.o_proj.weight"] = (h, h)
            shapes[f"{p}.mlp.gate_up_proj.weight"] = (2 * self.inter, h)
            shapes[f"{p}.mlp.down_proj.weight"] = (h, self.inter)
        return shapes

    # ---- validation ----
    def problems(self) -> list[str]:
        p: list[str] = []
        for name in ("hidden_size", "num_heads", "L_layers", "L_cycles", "H_cycles", "halt_max_steps",
                     "seq_len", "vocab_size"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                p.append(f"{name} must be a positive integer (got {v!r})")
        if not isinstance(self.expansion, (int, float)) or self.expansion <= 0:
            p.append(f"expansion must be a positive number (got {self.expansion!r})")
        if self.task not in TASKS:
            p.append(f"task must be one of {', '.join(TASKS)} (got {self.task!r})")
        if self.pos_encodings not in POS_ENCODINGS:
            p.append(f"pos_encodings must be one of {', '.join(POS_ENCODINGS)} (got {self.pos_encodings!r})")
        if self.forward_dtype not in FORWARD_DTYPES:
            p.append(f"forward_dtype must be one of {', '.join(FORWARD_DTYPES)} (got {self.forward_dtype!r})")
        if not isinstance(self.mlp_t, bool):
            p.append(f"mlp_t must be true or false (got {self.mlp_t!r})")
        if not p and not self.mlp_t and self.hidden_size % self.num_heads != 0:
            p.append(f"hidden_size {self.hidden_size} is not divisible by num_heads {self.num_heads}")
        if not p and not self.mlp_t and self.pos_encodings == "rope" and self.head_dim % 2 != 0:
            p.append(f"head_dim {self.head_dim} (hidden_size/num_heads) must be even for RoPE")
        if not isinstance(self.puzzle_emb_len, int) or self.puzzle_emb_len < 1:
            p.append(f"puzzle_emb_len must be a positive integer (got {self.puzzle_emb_len!r})")
        elif not isinstance(self.puzzle_emb_ndim, int) or self.puzzle_emb_ndim < 0:
            p.append(f"puzzle_emb_ndim must be a non-negative integer (got {self.puzzle_emb_ndim!r})")
        elif isinstance(self.hidden_size, int) and self.puzzle_emb_ndim > self.puzzle_emb_len * self.hidden_size:
            p.append(f"puzzle_emb_ndim {self.puzzle_emb_ndim} does not fit in the puzzle prefix "
                     f"(puzzle_emb_len·hidden_size = {self.puzzle_emb_len * self.hidden_size})")
        if self.puzzle_emb_ndim and (not isinstance(self.num_puzzle_identifiers, int) or self.num_puzzle_identifiers < 1):
            p.append(f"num_puzzle_identifiers must be at least 1 (got {self.num_puzzle_identifiers!r})")
        if not (0 <= self.halt_exploration_prob <= 1):
            p.append(f"halt_exploration_prob must be in [0, 1] (got {self.halt_exploration_prob!r})")
        return p

    def validate(self) -> "TrmConfig":
        problems = self.problems()
        if problems:
            raise ConfigError("Invalid TrmConfig: " + "; ".join(problems))
        return self

    # ---- (de)serialisation ----
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: d[k] for k in JSON_FIELDS}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, d: dict[str, Any], **overrides: Any) -> "TrmConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ConfigError(f"Unknown TrmConfig field(s): {', '.join(unknown)}")
        return cls(**{**d, **overrides})

    @classmethod
    def from_json(cls, text: str, **overrides: Any) -> "TrmConfig":
        return cls.from_dict(json.loads(text), **overrides)

    @classmethod
    def from_official(cls, arch: dict[str, Any], *, seq_len: int, vocab_size: int, num_puzzle_identifiers: int,
                      task: str) -> "TrmConfig":
        """From an official `arch` dict (all_config.yaml) plus the dataset sizes the official code takes from
        dataset.json. Official-only keys (name, loss, H_layers, causal, batch_size) are ignored."""
        if arch.get("no_ACT_continue", True) is not True:
            raise ConfigError("no_ACT_continue=false is not supported (the official path is broken, docs/spec.md §5.3)")
        keep = {f.name for f in fields(cls)} - {"task", "seq_len", "vocab_size", "num_puzzle_identifiers"}
        picked = {k: v for k, v in arch.items() if k in keep}
        return cls(task=task, seq_len=seq_len, vocab_size=vocab_size,
                   num_puzzle_identifiers=num_puzzle_identifiers, **picked)

    @classmethod
    def from_all_config_yaml(cls, path: str | Path, seq_len: int, vocab_size: int, num_puzzle_identifiers: int,
                             task: str) -> "TrmConfig":
        """Reads the `arch` section of an official `all_config.yaml` (sizes come from the dataset/weights)."""
        import yaml

        with open(path) as f:
            doc = yaml.safe_load(f)
        if not isinstance(doc, dict) or not isinstance(doc.get("arch"), dict):
            raise ConfigError(f"{path}: no `arch` section (is this an official all_config.yaml?)")
        return cls.from_official(doc["arch"], seq_len=seq_len, vocab_size=vocab_size,
                                 num_puzzle_identifiers=num_puzzle_identifiers, task=task)


from_all_config_yaml = TrmConfig.from_all_config_yaml
