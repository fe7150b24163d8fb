"""Official `step_N` files and the app's safetensors format: key sets, dtypes, round trips, clear errors."""
from __future__ import annotations

import json

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from trm import ACTLossHead, TrmConfig
from trm.checkpoint import (CheckpointError, bare_state_dict, load_app, load_official, save_app, save_official,
                            token_map)


def tiny(**kw) -> TrmConfig:
    base = dict(task="sudoku", hidden_size=16, num_heads=2, L_cycles=2, H_cycles=2, seq_len=16, vocab_size=6,
                num_puzzle_identifiers=3)
    return TrmConfig(**{**base, **kw})


@pytest.fixture
def head() -> ACTLossHead:
    torch.manual_seed(0)
    h = ACTLossHead.from_config(tiny(mlp_t=True, pos_encodings="none"))
    with torch.no_grad():
        h.model.inner.puzzle_emb.weights.normal_()
    return h


@pytest.mark.parametrize("prefix, head_str", [(True, "_orig_mod.model.inner."), (False, "model.inner.")])
def test_official_save_has_official_keys_dtypes_and_round_trips(tmp_path, head, prefix, head_str):
    path = tmp_path / "step_7"
    save_official(head, path, prefix=prefix)
    raw = torch.load(path, map_location="cpu", weights_only=True)
    want = head.config.expected_shapes()
    assert list(raw)[:2] == [head_str + "H_init", head_str + "L_init"]
    assert {k: tuple(v.shape) for k, v in raw.items()} == {head_str + k: s for k, s in want.items()}
    for k, v in raw.items():
        assert v.dtype == (torch.bfloat16 if k.endswith(("H_init", "L_init")) else torch.float32), k
    state, had_prefix = load_official(path, head.config)
    assert had_prefix is prefix
    ours = head.state_dict()
    assert list(state) == [k for k in ours if k in state] and set(state) == set(ours)
    for k, v in state.items():
        assert v.dtype == ours[k].dtype and torch.equal(v, ours[k]), k
    fresh = ACTLossHead.from_config(head.config)
    fresh.load_state_dict(state)  # loads straight into a loss head
    assert all(torch.equal(a, b) for a, b in zip(fresh.state_dict().values(), ours.values()))
    assert not list(tmp_path.glob("*.tmp"))


def test_official_save_of_the_reference_checkpoint_is_identical(tmp_path, reference_dir):
    ref_path = reference_dir / "sudoku-mlp-tiny" / "step_0"
    state, _ = load_official(ref_path)
    save_official(state, tmp_path / "step_0")
    ref, again = (torch.load(p, weights_only=True) for p in (ref_path, tmp_path / "step_0"))
    assert list(again) == list(ref)
    for k in ref:
        assert again[k].dtype == ref[k].dtype and torch.equal(again[k], ref[k]), k


def test_save_official_can_write_float32_inits(tmp_path, head):
    save_official(head, tmp_path / "step_1", init_dtype=torch.float32)
    raw = torch.load(tmp_path / "step_1", weights_only=True)
    assert raw["_orig_mod.model.inner.H_init"].dtype == torch.float32


def test_load_official_with_a_mismatched_config_names_tensor_and_shapes(tmp_path, head):
    save_official(head, tmp_path / "step_1")
    with pytest.raises(CheckpointError, match=r"embed_tokens.embedding_weight has shape \[6, 16\] but the config "
                                              r"needs \[12, 16\]"):
        load_official(tmp_path / "step_1", tiny(mlp_t=True, pos_encodings="none", vocab_size=12))


def test_foreign_keys_are_refused(tmp_path):
    torch.save({"model.encoder.weight": torch.zeros(2)}, tmp_path / "step_1")
    with pytest.raises(CheckpointError, match="model.encoder.weight"):
        load_official(tmp_path / "step_1")


@pytest.mark.parametrize("dtype, stored", [(torch.float32, "F32"), (torch.float16, "F16"), (torch.bfloat16, "BF16")])
def test_app_format_round_trip(tmp_path, head, dtype, stored):
    path = tmp_path / "m.safetensors"
    card = {"name": "t", "accuracy": {"exact": 0.5}}
    names = ["<blank>", "a", "b"]
    save_app(path, head, head.config, token_map("sudoku", 6), puzzle_names=names, card=card, dtype=dtype)
    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata()
        assert {f.get_slice(k).get_dtype() for k in f.keys()} == {stored}
    assert meta["format"] == "trm-safetensors" and meta["format_version"] == "1"
    assert json.loads(meta["config"]) == head.config.to_dict()
    tensors, config, meta = load_app(path)
    assert config.to_dict() == head.config.to_dict()
    assert meta["token_map"] == ["PAD", "blank", "1", "2", "3", "4"]
    assert meta["puzzle_names"] == names and meta["card"] == card
    bare = bare_state_dict(head)
    assert set(tensors) == set(bare)
    for k, v in tensors.items():
        assert v.dtype == torch.float32
        torch.testing.assert_close(v, bare[k].float().to(dtype).float(), rtol=0, atol=0, msg=k)
    if dtype == torch.float32:
        assert all(torch.equal(tensors[k], bare[k].float()) for k in bare)


def test_app_file_whose_shapes_disagree_with_its_config_is_refused(tmp_path, head):
    bare = {k: v.float().contiguous() for k, v in bare_state_dict(head).items()}
    bare["lm_head.weight"] = torch.zeros(7, 16)
    meta = {"format": "trm-safetensors", "format_version": "1", "config": head.config.to_json(),
            "token_map": json.dumps(token_map("sudoku", 6))}
    save_file(bare, str(tmp_path / "bad.safetensors"), metadata=meta)
    with pytest.raises(CheckpointError, match=r"lm_head.weight has shape \[7, 16\] but the config needs \[6, 16\]"):
        load_app(tmp_path / "bad.safetensors")


def test_app_save_refuses_missing_tensors_and_wrong_token_maps(tmp_path, head):
    bare = bare_state_dict(head)
    del bare["q_head.bias"]
    with pytest.raises(CheckpointError, match=r"missing tensor q_head.bias \[2\]"):
        save_app(tmp_path / "a.safetensors", bare, head.config)
    with pytest.raises(CheckpointError, match="token_map has 11 entries but vocab_size is 6"):
        save_app(tmp_path / "a.safetensors", head, head.config, token_map("sudoku"))
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_app_reader_refuses_other_formats(tmp_path):
    save_file({"x": torch.zeros(1)}, str(tmp_path / "x.safetensors"), metadata={"format": "pt"})
    with pytest.raises(CheckpointError, match="format"):
        load_app(tmp_path / "x.safetensors")


def test_token_maps():
    assert token_map("sudoku") == ["PAD", "blank"] + [str(d) for d in range(1, 10)]
    assert token_map("maze") == ["PAD", "#", " ", "S", "G", "o"]
    assert token_map("arc", 12) == ["PAD", "EOS"] + [str(c) for c in range(10)]
    with pytest.raises(CheckpointError, match="vocab_size"):
        token_map("maze", 7)


def test_a_failed_write_leaves_the_previous_file_intact(tmp_path, head, monkeypatch):
    path = tmp_path / "step_1"
    save_official(head, path)
    before = path.read_bytes()

    def broken_save(obj, f):
        with open(f, "wb") as out:
            out.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_official(head, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["step_1"]
