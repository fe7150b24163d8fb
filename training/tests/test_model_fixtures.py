"""The committed golden fixtures (tests/fixtures/*): the script regenerates them, and each is consistent with
the twin (fresh steps within the measured float64 drift, resumed steps tight, preds = argmax)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

import make_fixtures
from conftest import FIXTURES
from trm import TrmACT, TrmConfig
from trm.checkpoint import load_app, load_weights
from trm.trace import resumed_carry, run_eval

NAMES = sorted(make_fixtures.FIXTURES)


def read_fixture(name: str):
    folder = FIXTURES / name
    trace = json.loads((folder / "trace.json").read_text())
    tensors, config, meta = load_app(folder / "model.safetensors")
    snap = trace["carry_snapshots"]
    carries = np.fromfile(folder / snap["file"], dtype="<f4").reshape(snap["shape"])
    return trace, tensors, config, meta, carries


def model_from(tensors, config: TrmConfig) -> TrmACT:
    model = TrmACT(config)
    load_weights(model, tensors)
    return model.eval()


def test_script_regenerates_the_committed_fixture(tmp_path):
    name = "tiny4-att-h32"
    make_fixtures.main(["--out", str(tmp_path), "--only", name])
    committed, tensors, _, _, carries = read_fixture(name)
    fresh = json.loads((tmp_path / name / "trace.json").read_text())
    new_tensors, _, _ = load_app(tmp_path / name / "model.safetensors")
    assert set(new_tensors) == set(tensors) and all(torch.equal(new_tensors[k], tensors[k]) for k in tensors)
    new_carries = np.fromfile(tmp_path / name / "carries.f32", dtype="<f4").reshape(carries.shape)
    # Same weights bit for bit; the numbers agree to f32 rounding, which depends on the CPU's kernels (the fixture
    # was made on an AVX2 machine; AVX-512 machines differ by up to 8e-6 after 16 steps).
    np.testing.assert_allclose(new_carries, carries, rtol=0, atol=5e-5)

    def numbers(x):  # every float of a JSON tree, in order, and the non-float skeleton
        if isinstance(x, dict):
            return [v for k in sorted(x) for v in numbers(x[k])]
        if isinstance(x, list):
            return [v for item in x for v in numbers(item)]
        return [x]

    a, b = numbers(committed), numbers(fresh)
    assert len(a) == len(b)
    for u, v in zip(a, b):
        if isinstance(u, float) and not isinstance(u, bool):
            assert abs(u - v) <= 5e-5 + 5e-5 * abs(u)
        else:
            assert u == v


@pytest.mark.parametrize("name", NAMES)
def test_fixture_layout(name):
    trace, tensors, config, meta, carries = read_fixture(name)
    spec = make_fixtures.FIXTURES[name]
    assert trace["config"] == config.to_dict()
    assert config.seq_len == len(spec["puzzles"][0]) and config.forward_dtype == "float32"
    assert meta["token_map"][:2] == (["PAD", "#"] if config.task == "maze" else ["PAD", "blank"])
    assert len(meta["token_map"]) == config.vocab_size
    b = len(trace["inputs"])
    assert b == 2 and np.array(trace["inputs"]).shape == (b, config.seq_len)
    assert len(trace["steps"]) == 16 and len(trace["float64_max_abs_logit_diff"]) == 16
    assert carries.shape == (len(trace["carry_snapshots"]["after_steps"]), 2, b, config.seq_total,
                             config.hidden_size)
    for s in trace["steps"]:
        logits = np.array(s["logits"])
        assert logits.shape == (b, config.seq_len, config.vocab_size)
        ties = {tuple(t) for t in s["near_ties"]}
        diff = [(i, j) for i, j in zip(*np.nonzero(logits.argmax(-1) != np.array(s["preds"]))) if (i, j) not in ties]
        assert not diff
        order = [(c["cycle"], c["call"], c["target"]) for c in s["inner"]]
        assert order == [(cy, j, "z" if j < config.L_cycles else "y")
                         for cy in range(config.H_cycles) for j in range(config.L_cycles + 1)]
        assert s["inner"][-1]["preds"] == s["preds"]  # the last call is the answer update
    assert sum(f.stat().st_size for f in (FIXTURES / name).iterdir()) < 2.5e6


@pytest.mark.parametrize("name", NAMES)
def test_twin_reproduces_the_fixture(name):
    trace, tensors, config, _, carries = read_fixture(name)
    model = model_from(tensors, config)
    batch = {"inputs": torch.tensor(trace["inputs"], dtype=torch.int32),
             "puzzle_identifiers": torch.tensor(trace["puzzle_identifiers"], dtype=torch.int32)}
    # Fresh: every step whose float64 drift is small; the rounding of the JSON (7 digits) adds ≤ 5e-7.
    drift = trace["float64_max_abs_logit_diff"]
    comparable = [k for k in range(1, 17) if all(d < 1e-4 for d in drift[:k])]
    assert comparable, "not even step 1 is comparable"
    steps = run_eval(model, batch, steps=max(comparable), record_inner=True)
    for got in steps:
        ref = trace["steps"][got.step - 1]
        tol = 1e-5 + 10 * drift[got.step - 1]
        assert np.abs(got.logits.numpy() - np.array(ref["logits"])).max() <= tol, f"step {got.step}"
        assert np.abs(got.q_halt_logits.numpy() - np.array(ref["q_halt_logits"])).max() <= tol
        ys = np.array([c.y_norm.numpy() for c in got.inner])
        np.testing.assert_allclose(ys, [c["y_norm"] for c in ref["inner"]], rtol=1e-5)
    # Resumed from each snapshot: the next step, tightly.
    for i, after in enumerate(trace["carry_snapshots"]["after_steps"]):
        carry = resumed_carry(model, batch, torch.from_numpy(carries[i, 0].copy()),
                              torch.from_numpy(carries[i, 1].copy()), after)
        (got,) = run_eval(model, batch, steps=1, carry=carry)
        ref = trace["steps"][after]
        assert np.abs(got.logits.numpy() - np.array(ref["logits"])).max() <= 1e-5, f"resumed after {after}"
