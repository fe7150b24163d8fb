"""Loading a trained model for evaluation or export from any of our files: a trainer run (its `ckpt.pt`, raw or
EMA weights), or an app `.safetensors` file."""
from __future__ import annotations

import os

import torch

from trm import ACTLossHead, TrmConfig
from trm.checkpoint import load_app, load_weights


def trainer_state(path: str) -> dict:
    ckpt = os.path.join(path, "ckpt.pt") if os.path.isdir(path) else path
    if not os.path.exists(ckpt):
        raise FileNotFoundError(f"{ckpt} not found: pass a run directory of training/train.py or its ckpt.pt")
    return torch.load(ckpt, map_location="cpu", weights_only=False)


def weights_from_trainer(state: dict, which: str) -> dict[str, torch.Tensor]:
    """The model state dict (keys `model.inner.*`) with the EMA shadow applied when which == "ema"."""
    weights = dict(state["model"])
    if which == "ema":
        if state.get("ema") is None:
            raise ValueError("this run has no EMA (trained with --ema-rate 0): use --weights raw")
        weights.update(state["ema"]["shadow"])
    elif which != "raw":
        raise ValueError(f"--weights must be raw or ema, got {which!r}")
    return weights


def load_model(path: str, which: str = "ema", device="cpu", forward_dtype: str = "float32"):
    """(ACTLossHead in eval mode, TrmConfig, info dict). `path`: run dir / ckpt.pt / app .safetensors."""
    if str(path).endswith(".safetensors"):
        tensors, cfg, meta = load_app(path)
        cfg.forward_dtype = forward_dtype
        model = ACTLossHead.from_config(cfg)
        load_weights(model, tensors)
        info = {"source": str(path), "weights": "as saved", **{k: meta[k] for k in ("card",) if k in meta}}
    else:
        state = trainer_state(path)
        cfg = TrmConfig.from_dict(state["model_config"], forward_dtype=forward_dtype)
        model = ACTLossHead.from_config(cfg)
        model.load_state_dict(weights_from_trainer(state, which))
        info = {"source": str(path), "weights": which, "step": state["step"], "trained_minutes": state["elapsed_s"] / 60,
                "settings": state["settings"]}
    model.to(device).eval()
    return model, cfg, info


def compile_network(loss_head: ACTLossHead) -> None:
    """torch.compile the 2-block network only: it is the hot path (every recursion call), and the parameter
    names stay official. Training and evaluation share it."""
    net = loss_head.model.inner.L_level
    net.forward = torch.compile(net.forward, dynamic=False)
