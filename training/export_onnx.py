"""Export ONE supervision step of the PyTorch twin (TrmInner.forward) to ONNX.

Graph inputs / outputs (float32, batch axis "batch" dynamic; S = seq_len + puzzle_emb_len):
    inputs              [B, seq_len]        int32  token ids
    puzzle_identifiers  [B]                 int32  rows of puzzle_emb.weights
    z_H, z_L            [B, S, hidden]      f32    carry before the step (answer y, latent z)
 -> logits              [B, seq_len, vocab] f32    lm_head(z_H) without the prefix
    q_halt, q_continue  [B]                 f32
    z_H_out, z_L_out    [B, S, hidden]      f32    carry after the step

A fresh solve starts from H_init / L_init broadcast over [B, S, hidden]; the graph does not hold them
(they live in the app file; see `initial_carry`). Uses the TorchScript-based exporter (dynamo=False).

    .venv/bin/python training/export_onnx.py MODEL.safetensors OUT.onnx [--opset 17]
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import torch
from torch import nn

if __package__ in (None, ""):  # run as a script: make `trm` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from trm import InnerCarry, TrmConfig, TrmInner, load_app, load_weights  # noqa: E402

INPUT_NAMES = ["inputs", "puzzle_identifiers", "z_H", "z_L"]
OUTPUT_NAMES = ["logits", "q_halt", "q_continue", "z_H_out", "z_L_out"]
DEFAULT_OPSET = 17


class OnnxStep(nn.Module):
    """TrmInner's forward with plain tensors in and out (ONNX graphs take no dataclasses or dicts)."""

    def __init__(self, inner: TrmInner):
        super().__init__()
        self.inner = inner

    def forward(self, inputs, puzzle_identifiers, z_H, z_L):
        carry, logits, (q_halt, q_continue) = self.inner(
            InnerCarry(z_H, z_L), {"inputs": inputs, "puzzle_identifiers": puzzle_identifiers})
        return logits, q_halt, q_continue, carry.z_H, carry.z_L


def build_inner(tensors: dict[str, torch.Tensor], config: TrmConfig) -> TrmInner:
    """A float32 TrmInner in eval mode holding `tensors` (app names)."""
    if config.forward_dtype != "float32":
        raise ValueError(f"ONNX export is float32 only; the config asks for forward_dtype {config.forward_dtype}")
    inner = TrmInner(config)
    load_weights(inner, tensors)
    return inner.eval()


def initial_carry(inner: TrmInner, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(z_H, z_L) of a fresh solve: H_init / L_init (bf16 values, exact in f32) over every position."""
    shape = (batch, inner.config.seq_total, inner.config.hidden_size)
    return (inner.H_init.to(torch.float32).expand(shape).contiguous(),
            inner.L_init.to(torch.float32).expand(shape).contiguous())


def example_inputs(inner: TrmInner, batch: int = 2) -> tuple[torch.Tensor, ...]:
    c = inner.config
    inputs = torch.zeros(batch, c.seq_len, dtype=torch.int32)
    ids = torch.zeros(batch, dtype=torch.int32)
    return (inputs, ids, *initial_carry(inner, batch))


def export_step(inner: TrmInner, out_path: str | Path, opset: int = DEFAULT_OPSET) -> Path:
    """Writes the ONNX graph of one supervision step of `inner` and checks it with onnx.checker."""
    import onnx

    if opset < 17:
        raise ValueError(f"opset {opset} is too old: the graph needs opset 17 or newer")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    step = OnnxStep(inner).eval()
    batch_axis = {0: "batch"}
    dynamic_axes = {name: batch_axis for name in INPUT_NAMES + OUTPUT_NAMES}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TorchScript tracer chatter (deprecation, constant-folding notes)
        torch.onnx.export(step, example_inputs(inner), str(out_path), input_names=INPUT_NAMES,
                          output_names=OUTPUT_NAMES, dynamic_axes=dynamic_axes, opset_version=opset,
                          do_constant_folding=True, dynamo=False)
    onnx.checker.check_model(str(out_path))
    return out_path


def export_app_file(model_path: str | Path, out_path: str | Path, opset: int = DEFAULT_OPSET) -> Path:
    tensors, config, _ = load_app(model_path)
    return export_step(build_inner(tensors, config), out_path, opset)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Export one TRM supervision step (app safetensors file) to ONNX.")
    p.add_argument("model", help="app-format .safetensors file")
    p.add_argument("out", help="output .onnx path")
    p.add_argument("--opset", type=int, default=DEFAULT_OPSET, help=f"ONNX opset (>= 17, default {DEFAULT_OPSET})")
    a = p.parse_args(argv)
    path = export_app_file(a.model, a.out, a.opset)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
