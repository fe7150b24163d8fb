"""ONNX export of one supervision step: the graph (run by onnx's reference evaluator) equals the twin."""
from __future__ import annotations

import json

import numpy as np
import onnx
import pytest
import torch
from onnx.reference import ReferenceEvaluator

from conftest import FIXTURES
from export_onnx import INPUT_NAMES, OUTPUT_NAMES, OnnxStep, build_inner, export_step, initial_carry
from trm import load_app

# 1e-5 of the output's scale (max(1, max|x|)). Two f32 implementations of 21 network calls differ by their
# summation order: on sudoku-mlp-h64 the f32 twin itself is 1.1e-5 (logits) / 1.5e-5 (z_H) away from its float64
# run, and the graph is as close to float64 as the twin is (measured 1.1e-5 / 1.4e-5), so a flat 1e-5 between
# the two f32 runs would test rounding, not the graph. A wrong graph is off by O(0.1..1).
TOLERANCE = 1e-5


def twin_and_graph(name: str, tmp_path):
    tensors, config, _ = load_app(FIXTURES / name / "model.safetensors")
    inner = build_inner(tensors, config)
    path = export_step(inner, tmp_path / f"{name}.onnx")
    return inner, onnx.load(str(path))


def fixture_batch(name: str, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The fixture's own puzzles, repeated/cut to `batch` rows (a batch size the export never saw)."""
    trace = json.loads((FIXTURES / name / "trace.json").read_text())
    inputs = torch.tensor(trace["inputs"], dtype=torch.int32)
    ids = torch.tensor(trace["puzzle_identifiers"], dtype=torch.int32)
    reps = -(-batch // inputs.shape[0])
    return inputs.repeat(reps, 1)[:batch], ids.repeat(reps)[:batch]


@pytest.mark.parametrize("name", ["tiny4-att-h32", "sudoku-mlp-h64"])
def test_exported_step_matches_twin_over_two_steps(name, tmp_path):
    inner, model = twin_and_graph(name, tmp_path)
    evaluator = ReferenceEvaluator(model)
    inputs, ids = fixture_batch(name, batch=3)
    z_H, z_L = initial_carry(inner, 3)
    step = OnnxStep(inner).eval()
    for _ in range(2):  # step 1 from H_init/L_init, step 2 from a carry the graph itself produced
        with torch.no_grad():
            want = [t.numpy() for t in step(inputs, ids, z_H, z_L)]
        feeds = dict(zip(INPUT_NAMES, (inputs.numpy(), ids.numpy(), z_H.numpy(), z_L.numpy())))
        got = evaluator.run(None, feeds)
        for out_name, w, g in zip(OUTPUT_NAMES, want, got):
            assert g.shape == w.shape, f"{out_name}: shape {g.shape} != twin {w.shape}"
            assert g.dtype == np.float32, f"{out_name}: dtype {g.dtype}"
            diff = float(np.max(np.abs(g - w)))
            bound = TOLERANCE * max(1.0, float(np.max(np.abs(w))))
            assert diff <= bound, f"{name} {out_name}: max |onnx - twin| = {diff:.3g} > {bound:.3g}"
        z_H, z_L = torch.from_numpy(got[3]), torch.from_numpy(got[4])
        # The carry must actually move, or comparing step 2 would prove nothing.
        assert float(np.max(np.abs(got[3] - feeds["z_H"]))) > 1e-3


def test_graph_interface_names_types_and_dynamic_batch(tmp_path):
    _, model = twin_and_graph("tiny4-mlp-h32", tmp_path)
    assert model.opset_import[0].version >= 17
    assert [i.name for i in model.graph.input] == INPUT_NAMES
    assert [o.name for o in model.graph.output] == OUTPUT_NAMES
    elem = {i.name: i.type.tensor_type.elem_type for i in model.graph.input}
    assert elem["inputs"] == onnx.TensorProto.INT32 and elem["puzzle_identifiers"] == onnx.TensorProto.INT32
    assert elem["z_H"] == onnx.TensorProto.FLOAT and elem["z_L"] == onnx.TensorProto.FLOAT
    for value in list(model.graph.input) + list(model.graph.output):
        dim0 = value.type.tensor_type.shape.dim[0]
        assert dim0.dim_param == "batch", f"{value.name}: batch axis is not dynamic ({dim0})"


def test_refuses_old_opset(tmp_path):
    tensors, config, _ = load_app(FIXTURES / "tiny4-mlp-h32" / "model.safetensors")
    with pytest.raises(ValueError, match="opset 17"):
        export_step(build_inner(tensors, config), tmp_path / "old.onnx", opset=13)
