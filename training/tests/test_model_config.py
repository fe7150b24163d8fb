"""TrmConfig: same fields as src/core/config.ts, derived sizes, JSON round trip, errors that name the field."""
from __future__ import annotations

import json
import math
import re

import pytest

from conftest import REPO
from trm import ConfigError, TrmConfig, swiglu_intermediate
from trm.config import JSON_FIELDS


def sudoku_mlp(**kw) -> TrmConfig:
    base = dict(task="sudoku", hidden_size=512, num_heads=8, L_cycles=6, H_cycles=3, seq_len=81, vocab_size=11,
                mlp_t=True, pos_encodings="none")
    return TrmConfig(**{**base, **kw})


def test_json_fields_equal_the_typescript_interface():
    source = (REPO / "src" / "core" / "config.ts").read_text()
    body = re.search(r"export interface TrmConfig \{(.*?)\n\}", source, re.S).group(1)
    ts_fields = re.findall(r"^\s+(\w+):", body, re.M)
    assert sorted(ts_fields) == sorted(JSON_FIELDS)
    assert set(sudoku_mlp().to_dict()) == set(ts_fields)


def test_swiglu_intermediate_sizes_of_the_published_models():
    assert swiglu_intermediate(512, 4) == 1536
    assert swiglu_intermediate(97, 4) == 512
    assert swiglu_intermediate(916, 4) == 2560
    assert swiglu_intermediate(64, 4) == 256


def test_derived_sizes_and_parameter_count_of_sudoku_mlp():
    c = sudoku_mlp()
    assert (c.seq_total, c.inter, c.inter_t, c.calls_per_step, c.puzzle_emb_ndim) == (97, 1536, 512, 21, 512)
    assert c.embed_scale == pytest.approx(22.62741699)
    buffers = ("H_init", "L_init", "puzzle_emb.weights")  # not trainable parameters
    def count(cfg: TrmConfig) -> int:
        return sum(math.prod(s) for k, s in cfg.expected_shapes().items() if k not in buffers)
    assert count(c) == 5_028_866  # docs/spec.md §2.1
    assert count(sudoku_mlp(mlp_t=False, pos_encodings="rope")) == 6_828_034


def test_json_round_trip_keeps_out_run_time_fields():
    c = sudoku_mlp(forward_dtype="bfloat16", num_puzzle_identifiers=7)
    d = json.loads(c.to_json())
    assert "forward_dtype" not in d and "halt_exploration_prob" not in d
    back = TrmConfig.from_json(c.to_json())
    assert back.to_dict() == c.to_dict()
    assert back.forward_dtype == "float32"
    assert TrmConfig.from_json(c.to_json(), forward_dtype="bfloat16") == c


@pytest.mark.parametrize("change, field", [
    (dict(hidden_size=0), "hidden_size"),
    (dict(task="chess"), "task"),
    (dict(mlp_t=False, pos_encodings="rope", num_heads=7), "num_heads"),
    (dict(pos_encodings="alibi"), "pos_encodings"),
    (dict(forward_dtype="int8"), "forward_dtype"),
    (dict(L_cycles=-1), "L_cycles"),
    (dict(puzzle_emb_ndim=512 * 17), "puzzle_emb_ndim"),
    (dict(num_puzzle_identifiers=0), "num_puzzle_identifiers"),
])
def test_bad_values_raise_errors_naming_the_field(change, field):
    with pytest.raises(ConfigError, match=field):
        sudoku_mlp(**change)


def test_unknown_json_field_is_named():
    d = sudoku_mlp().to_dict() | {"hidden_sise": 3}
    with pytest.raises(ConfigError, match="hidden_sise"):
        TrmConfig.from_dict(d)


def test_official_arch_with_no_act_continue_false_is_refused():
    with pytest.raises(ConfigError, match="no_ACT_continue"):
        TrmConfig.from_official({"hidden_size": 64, "num_heads": 2, "L_cycles": 2, "H_cycles": 2,
                                 "no_ACT_continue": False}, seq_len=81, vocab_size=11,
                                num_puzzle_identifiers=1, task="sudoku")
