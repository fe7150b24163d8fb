"""One supervision (ACT) step as a plain function of tensors, for ONNX export and engine benchmarks:
(tokens [B, seq_len] int64, puzzle ids [B] int64, z_H, z_L [B, seq_total, hidden] f32)
  -> (logits [B, seq_len, vocab], q_halt [B], q_continue [B], z_H', z_L').
The reset to H_init/L_init of a fresh example is the caller's job (broadcast the init vectors)."""
from __future__ import annotations

import torch
from torch import nn

from trm import InnerCarry


class SupervisionStep(nn.Module):
    def __init__(self, act_model):
        super().__init__()
        self.inner = getattr(act_model, "model", act_model).inner

    def forward(self, tokens, puzzle_identifiers, z_H, z_L):
        carry, logits, (q_halt, q_continue) = self.inner(
            InnerCarry(z_H, z_L), {"inputs": tokens, "puzzle_identifiers": puzzle_identifiers})
        return logits, q_halt, q_continue, carry.z_H, carry.z_L


def export_onnx(act_model, path: str, batch: int = 1, opset: int = 17) -> None:
    """Legacy (TorchScript-based) exporter; the batch axis is dynamic."""
    act = getattr(act_model, "model", act_model)
    cfg = act.config
    if cfg.forward_dtype != "float32":
        raise ValueError("export ONNX from a float32 model (load it with forward_dtype float32)")
    step = SupervisionStep(act).eval()
    tokens = torch.ones(batch, cfg.seq_len, dtype=torch.int64)
    pids = torch.zeros(batch, dtype=torch.int64)
    z = torch.zeros(batch, cfg.seq_total, cfg.hidden_size)
    names_in = ["tokens", "puzzle_identifiers", "z_H", "z_L"]
    names_out = ["logits", "q_halt_logits", "q_continue_logits", "z_H_out", "z_L_out"]
    with torch.no_grad():
        torch.onnx.export(step, (tokens, pids, z, z.clone()), path, input_names=names_in, output_names=names_out,
                          dynamic_axes={n: {0: "batch"} for n in names_in + names_out}, opset_version=opset,
                          dynamo=False)
