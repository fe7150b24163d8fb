"""ARC builder: identifiers, augmentation names and their inverse, canvas encoding and decoding."""
from __future__ import annotations

import json

import numpy as np

from data.arc_aug import augment_grid, crop, inverse_augment_grid, parse_name, to_canvas
from data.build_arc import build, load_subset
from data.official_format import load_identifiers, load_split


def test_inverse_augmentation_restores_grid():
    rng = np.random.default_rng(0)
    grid = rng.integers(0, 10, size=(3, 5)).astype(np.uint8)
    for tid in range(8):
        perm = np.concatenate([[0], rng.permutation(9) + 1])
        name = f"abc|||t{tid}|||{''.join(map(str, perm))}"
        aug = augment_grid(grid, tid, perm)
        assert (inverse_augment_grid(aug, name) == grid).all()
        assert (aug == 0).sum() == (grid == 0).sum()  # black stays black
        assert parse_name(name)[1] == tid


def test_canvas_encoding_and_crop():
    inp = np.array([[1, 2], [3, 4], [5, 6]], np.uint8)
    out = np.array([[7]], np.uint8)
    ci, co = to_canvas(inp, out, 6, (0, 0))
    g = ci.reshape(6, 6)
    assert (g[:3, :2] == inp + 2).all()
    assert (g[3, :2] == 1).all() and (g[:3, 2] == 1).all() and g[3, 2] == 0  # EOS border, corner untouched
    assert (crop(ci, 6) == inp).all() and (crop(co, 6) == out).all()
    ci2, _ = to_canvas(inp, out, 6, (2, 3))
    assert (ci2.reshape(6, 6)[2:5, 3:5] == inp + 2).all()


def test_small_build_identifiers_and_splits(tmp_path):
    info = build(str(tmp_path), ["evaluation"], "evaluation", num_aug=3, canvas=12, seed=42, tasks=2)
    names = load_identifiers(str(tmp_path))
    assert names[0] == "<blank>" and len(names) == info["identifiers"] == 1 + 2 * 4
    assert len(set(names)) == len(names)
    tasks = {parse_name(n)[0] for n in names[1:]}
    assert tasks == set(info["test_tasks"])
    meta, tr = load_split(str(tmp_path), "train")
    tmeta, te = load_split(str(tmp_path), "test")
    assert meta["seq_len"] == 144 and meta["vocab_size"] == 12 and meta["num_puzzle_identifiers"] == len(names)
    assert meta["total_groups"] == 2 and meta["total_puzzles"] == 8
    # every augmented puzzle has its own id, shared by its train and test examples
    assert sorted(tr["puzzle_identifiers"].tolist()) == list(range(1, 9))
    assert sorted(te["puzzle_identifiers"].tolist()) == list(range(1, 9))
    # decoding a test example and undoing the augmentation gives the original task's test pair
    raw = json.loads((tmp_path / "test_puzzles.json").read_text())
    solutions = load_subset("evaluation")
    for p, pid in enumerate(te["puzzle_identifiers"]):
        name = names[pid]
        task = parse_name(name)[0]
        for e in range(te["puzzle_indices"][p], te["puzzle_indices"][p + 1]):
            k = e - te["puzzle_indices"][p]
            want_in = np.array(raw[task]["test"][k]["input"])
            want_out = np.array(solutions[task]["test"][k]["output"])
            assert (inverse_augment_grid(crop(te["inputs"][e], 12), name) == want_in).all()
            assert (inverse_augment_grid(crop(te["labels"][e], 12), name) == want_out).all()


def test_augmentation_fixture_shared_with_the_app():
    """tests/fixtures/arc-augment.json: the app (src/core/tasks/arc-votes.ts) augments and restores these grids."""
    from conftest import FIXTURES

    fx = json.loads((FIXTURES / "arc-augment.json").read_text())
    grid = np.array(fx["grid"], np.uint8)
    assert sorted(parse_name(c["name"])[1] for c in fx["cases"]) == list(range(8))
    for case in fx["cases"]:
        _, tid, perm = parse_name(case["name"])
        assert augment_grid(grid, tid, perm).tolist() == case["augmented"]
        assert (inverse_augment_grid(np.array(case["augmented"]), case["name"]) == grid).all()
