"""Checkpoint files: the official `step_N` format and the app's safetensors format (shared formats section).

Official: `torch.save(state_dict)`, keys `_orig_mod.model.inner.*` (or `model.inner.*` without torch.compile),
    fp32 weights, bf16 `H_init`/`L_init`.
App: one `.safetensors`, keys = official keys without `_orig_mod.model.inner.`, F32/F16/BF16, metadata
    format/format_version/config/token_map[/puzzle_names/card] as JSON strings.
All writes go to a temporary file in the target folder, then an atomic rename.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping

import torch
from torch import nn

from .config import TrmConfig

COMPILE_PREFIX = "_orig_mod."
INNER_PREFIX = "model.inner."
INIT_BUFFERS = ("H_init", "L_init")
APP_FORMAT = "trm-safetensors"
APP_FORMAT_VERSION = "1"
APP_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


class CheckpointError(ValueError):
    """A checkpoint file does not have the expected keys, shapes or metadata; the message says which."""


# ---------------------------------------------------------------- key handling

def bare_state_dict(source: nn.Module | Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Tensors keyed by bare inner names (`H_init`, `L_level.layers.0...`) from a module (ACTLossHead, TrmACT,
    TrmInner) or a state dict keyed with `_orig_mod.model.inner.`, `model.inner.` or bare names."""
    if isinstance(source, nn.Module):
        inner = getattr(getattr(source, "model", source), "inner", source)
        return dict(inner.state_dict())
    out: dict[str, torch.Tensor] = {}
    for key, value in source.items():
        bare = key.removeprefix(COMPILE_PREFIX)
        if bare.startswith(INNER_PREFIX):
            bare = bare[len(INNER_PREFIX):]
        elif bare != key or bare.startswith("model."):
            raise CheckpointError(f"key {key!r} is not under `model.inner.` (not a TRM state dict?)")
        out[bare] = value
    return out


def shape_problems(tensors: Mapping[str, torch.Tensor], config: TrmConfig) -> list[str]:
    want = config.expected_shapes()
    problems = []
    for key, shape in want.items():
        if key not in tensors:
            problems.append(f"missing tensor {key} {list(shape)}")
        elif tuple(tensors[key].shape) != shape:
            problems.append(f"tensor {key} has shape {list(tensors[key].shape)} but the config needs {list(shape)}")
    problems += [f"unexpected tensor {key}" for key in tensors if key not in want]
    return problems


def check_shapes(tensors: Mapping[str, torch.Tensor], config: TrmConfig, where: str = "weights") -> None:
    """Raises CheckpointError naming every missing, unexpected or mis-shaped tensor."""
    problems = shape_problems(tensors, config)
    if problems:
        raise CheckpointError(f"{where} do not match the config: " + "; ".join(problems))


def _atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> None:
    """Writes through a temporary file of the same name in a private folder beside `path`, then renames it, so a
    crash never leaves a half-written file and torch's zip keeps the official top folder name (`step_N/`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.")
    tmp = os.path.join(tmp_dir, path.name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # a checkpoint is an ordinary file
        os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


# ---------------------------------------------------------------- official format

def save_official(source: nn.Module | Mapping[str, torch.Tensor], path: str | os.PathLike, prefix: bool = True,
                  init_dtype: torch.dtype = torch.bfloat16) -> None:
    """Writes an official-style `step_N` file: keys `_orig_mod.model.inner.*` (prefix=False: `model.inner.*`),
    H_init/L_init in `init_dtype` (bf16 like every real checkpoint), everything else fp32, `H_init`/`L_init` first."""
    bare = bare_state_dict(source)
    head = COMPILE_PREFIX + INNER_PREFIX if prefix else INNER_PREFIX
    order = [k for k in INIT_BUFFERS if k in bare] + [k for k in bare if k not in INIT_BUFFERS]
    out = {}
    for key in order:
        dtype = init_dtype if key in INIT_BUFFERS else torch.float32
        # clone: a view would drag its whole storage into the file
        out[head + key] = bare[key].detach().to("cpu", dtype).contiguous().clone()
    _atomic_write(path, lambda tmp: torch.save(out, tmp))


# Training keys of an official all_config.yaml that a run of ours has under the same meaning (RunSettings name → key).
_OFFICIAL_RUN_KEYS = {"global_batch": "global_batch_size", "lr": "lr", "lr_warmup_steps": "lr_warmup_steps",
                      "lr_min_ratio": "lr_min_ratio", "weight_decay": "weight_decay", "beta1": "beta1", "beta2": "beta2",
                      "puzzle_emb_lr": "puzzle_emb_lr", "puzzle_emb_weight_decay": "puzzle_emb_weight_decay",
                      "ema_rate": "ema_rate", "seed": "seed"}


def official_all_config(cfg: TrmConfig, settings: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The `all_config.yaml` the official trainer writes beside `step_N`: its `arch` section in full (what the
    official code and src/core/weights/torch read), the data path (where readers find the task) and, for a run of
    ours, the training settings that have an official key."""
    if cfg.pos_encodings not in ("rope", "none", "learned"):
        raise CheckpointError(f"pos_encodings {cfg.pos_encodings!r} has no official equivalent")
    arch = {
        "name": "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1",
        "loss": {"name": "losses@ACTLossHead", "loss_type": "stablemax_cross_entropy"},
        "H_cycles": cfg.H_cycles, "H_layers": 0, "L_cycles": cfg.L_cycles, "L_layers": cfg.L_layers,
        "expansion": cfg.expansion, "forward_dtype": cfg.forward_dtype,
        "halt_exploration_prob": cfg.halt_exploration_prob, "halt_max_steps": cfg.halt_max_steps,
        "hidden_size": cfg.hidden_size, "mlp_t": cfg.mlp_t, "no_ACT_continue": True, "num_heads": cfg.num_heads,
        "pos_encodings": cfg.pos_encodings, "puzzle_emb_len": cfg.puzzle_emb_len,
        "puzzle_emb_ndim": cfg.puzzle_emb_ndim, "rms_norm_eps": cfg.rms_norm_eps, "rope_theta": cfg.rope_theta,
    }
    settings = dict(settings or {})
    data = settings.get("data") or f"data/{cfg.task}"
    doc: dict[str, Any] = {"arch": arch, "data_paths": [str(data)], "data_paths_test": [],
                           "project_name": f"{cfg.task}-trm", "ema": bool(settings.get("ema_rate", 0))}
    doc.update({key: settings[name] for name, key in _OFFICIAL_RUN_KEYS.items() if name in settings})
    return doc


def save_official_with_config(source: nn.Module | Mapping[str, torch.Tensor], cfg: TrmConfig, folder: str | os.PathLike,
                              step: int = 0, settings: Mapping[str, Any] | None = None) -> tuple[Path, Path]:
    """`folder/step_N` and `folder/all_config.yaml`: the layout the official code and our importer read."""
    import yaml

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    doc = official_all_config(cfg, settings)  # refuses an unofficial config before anything is written
    weights, config = folder / f"step_{step}", folder / "all_config.yaml"
    save_official(source, weights)
    text = yaml.safe_dump(doc, sort_keys=True)
    _atomic_write(config, lambda tmp: Path(tmp).write_text(text))
    return weights, config


def load_official(path: str | os.PathLike, config: TrmConfig | None = None) -> tuple[dict[str, torch.Tensor], bool]:
    """Reads a `step_N` file. Returns (state dict keyed `model.inner.*`, had the `_orig_mod.` prefix).
    Tensors keep their stored dtypes (bf16 inits). With `config`, shapes are checked against it."""
    raw = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(raw, Mapping) or not raw:
        raise CheckpointError(f"{path}: not a state dict (expected torch.save of an OrderedDict of tensors)")
    had_prefix = all(k.startswith(COMPILE_PREFIX) for k in raw)
    if not had_prefix and any(k.startswith(COMPILE_PREFIX) for k in raw):
        raise CheckpointError(f"{path}: some keys have the `_orig_mod.` prefix and some do not")
    bare = bare_state_dict(raw)
    if config is not None:
        check_shapes(bare, config, where=str(path))
    return {INNER_PREFIX + k: v for k, v in bare.items()}, had_prefix


def infer_sizes(tensors: Mapping[str, torch.Tensor]) -> dict[str, Any]:
    """Dataset sizes readable from weights: vocab_size, num_puzzle_identifiers and (mlp_t) seq_total."""
    bare = bare_state_dict(tensors)
    sizes: dict[str, Any] = {"vocab_size": bare["embed_tokens.embedding_weight"].shape[0]}
    if "puzzle_emb.weights" in bare:
        sizes["num_puzzle_identifiers"] = bare["puzzle_emb.weights"].shape[0]
    mlp_t = "L_level.layers.0.mlp_t.gate_up_proj.weight"
    if mlp_t in bare:
        sizes["seq_total"] = bare[mlp_t].shape[1]
    return sizes


# ---------------------------------------------------------------- app format

def token_map(task: str, vocab_size: int | None = None) -> list[str]:
    """Meaning of each token id. Sudoku of any size: PAD, blank, digits 1..vocab_size-2."""
    if task == "sudoku":
        digits = (vocab_size or 11) - 2
        return ["PAD", "blank"] + [str(d) for d in range(1, digits + 1)]
    maps = {"maze": ["PAD", "#", " ", "S", "G", "o"], "arc": ["PAD", "EOS"] + [str(c) for c in range(10)]}
    if task not in maps:
        raise CheckpointError(f"no token map for task {task!r} (sudoku, maze or arc)")
    if vocab_size is not None and vocab_size != len(maps[task]):
        raise CheckpointError(f"task {task} has {len(maps[task])} tokens but vocab_size is {vocab_size}")
    return maps[task]


default_token_map = token_map  # save_app's `token_map` argument shadows the function


def save_app(path: str | os.PathLike, state_dict: nn.Module | Mapping[str, torch.Tensor], config: TrmConfig,
             token_map: list[str] | None = None, puzzle_names: list[str] | None = None,
             card: dict[str, Any] | None = None, dtype: torch.dtype = torch.float32) -> None:
    """Writes the app's safetensors file. `token_map` defaults to token_map(config.task, config.vocab_size)."""
    from safetensors.torch import save_file

    if dtype not in APP_DTYPES:
        raise CheckpointError(f"app format dtype must be float32, float16 or bfloat16 (got {dtype})")
    bare = bare_state_dict(state_dict)
    check_shapes(bare, config, where="weights to save")
    tokens = token_map if token_map is not None else default_token_map(config.task, config.vocab_size)
    if len(tokens) != config.vocab_size:
        raise CheckpointError(f"token_map has {len(tokens)} entries but vocab_size is {config.vocab_size}")
    if puzzle_names is not None and len(puzzle_names) != config.num_puzzle_identifiers:
        raise CheckpointError(f"puzzle_names has {len(puzzle_names)} entries but num_puzzle_identifiers is "
                              f"{config.num_puzzle_identifiers}")
    metadata = {"format": APP_FORMAT, "format_version": APP_FORMAT_VERSION, "config": config.to_json(),
                "token_map": json.dumps(tokens)}
    if puzzle_names is not None:
        metadata["puzzle_names"] = json.dumps(puzzle_names)
    if card is not None:
        metadata["card"] = json.dumps(card)
    tensors = {k: v.detach().to("cpu", dtype).contiguous() for k, v in bare.items()}
    _atomic_write(path, lambda tmp: save_file(tensors, tmp, metadata=metadata))


def load_app(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], TrmConfig, dict[str, Any]]:
    """Reads an app safetensors file. Returns (f32 tensors by bare name, config, metadata with the JSON
    fields parsed: format, format_version, token_map, and puzzle_names / card when present)."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        raw_meta = f.metadata() or {}
        tensors = {k: f.get_tensor(k).to(torch.float32) for k in f.keys()}
    if raw_meta.get("format") != APP_FORMAT:
        raise CheckpointError(f"{path}: metadata format is {raw_meta.get('format')!r}, expected {APP_FORMAT!r}")
    if raw_meta.get("format_version") != APP_FORMAT_VERSION:
        raise CheckpointError(f"{path}: format_version {raw_meta.get('format_version')!r} is not supported "
                              f"(this reader knows {APP_FORMAT_VERSION!r})")
    if "config" not in raw_meta or "token_map" not in raw_meta:
        raise CheckpointError(f"{path}: metadata lacks `config` or `token_map`")
    config = TrmConfig.from_json(raw_meta["config"])
    check_shapes(tensors, config, where=str(path))
    meta: dict[str, Any] = {"format": raw_meta["format"], "format_version": raw_meta["format_version"]}
    for key in ("token_map", "puzzle_names", "card"):
        if key in raw_meta:
            meta[key] = json.loads(raw_meta[key])
    return tensors, config, meta


def load_weights(module: nn.Module, tensors: Mapping[str, torch.Tensor]) -> None:
    """Loads tensors keyed any of the three ways into a model's inner module (strict: names must match).
    Values are cast to the model's own dtypes (f32 weights, bf16 H_init/L_init: exact for bf16 values)."""
    inner = getattr(getattr(module, "model", module), "inner", module)
    inner.load_state_dict(bare_state_dict(tensors), strict=True)
