"""Maze generator invariants and the dihedral augmentation."""
from __future__ import annotations

import numpy as np
import pytest

from data.dihedral import INVERSE_TID, dihedral, inverse_dihedral
from data.maze_gen import GOAL, OPEN, PATH, START, WALL, bfs, make_maze


def _check_maze(inp, lab, min_path, size=30):
    assert inp.shape == (size, size)
    assert set(np.unique(inp)) <= {WALL, OPEN, START, GOAL}
    assert (inp == START).sum() == 1 and (inp == GOAL).sum() == 1
    # the label is the input with only open cells turned into path cells
    changed = inp != lab
    assert (inp[changed] == OPEN).all() and (lab[changed] == PATH).all()
    s = tuple(np.argwhere(inp == START)[0])
    g = tuple(np.argwhere(inp == GOAL)[0])
    dist, ways = bfs(inp, s)
    assert dist[g] > min_path
    assert ways[g] == 1  # the shortest path is unique
    assert changed.sum() == dist[g] - 1  # path cells between S and G
    # the marked cells form a connected chain from S to G: each path cell is one step closer
    path = np.argwhere(lab == PATH)
    for r, c in path:
        assert 0 < dist[r, c] < dist[g]
    assert sorted(dist[r, c] for r, c in path) == list(range(1, dist[g]))


def test_generated_mazes_satisfy_invariants():
    rng = np.random.default_rng(3)
    for _ in range(3):
        inp, lab = make_maze(rng, min_path=110)
        _check_maze(inp, lab, 110)


def test_dihedral_transforms_preserve_maze_and_invert():
    rng = np.random.default_rng(4)
    inp, lab = make_maze(rng, min_path=60)
    seen = set()
    for tid in range(8):
        ti, tl = dihedral(inp, tid), dihedral(lab, tid)
        _check_maze(ti, tl, 60)
        assert (inverse_dihedral(ti, tid) == inp).all()
        seen.add(ti.tobytes())
    assert len(seen) == 8
    assert all(INVERSE_TID[INVERSE_TID[t]] == t for t in range(8))


def test_build_maze_writes_groups_of_eight(tmp_path):
    from data.build_maze import build
    from data.official_format import load_split

    build(str(tmp_path), n_train=2, n_test=1, aug=True, seed=1, min_path=60, loops=0.08, workers=1)
    meta, arr = load_split(str(tmp_path), "train")
    assert meta["seq_len"] == 900 and meta["vocab_size"] == 6
    assert (arr["group_indices"] == [0, 8, 16]).all()
    assert arr["inputs"].shape == (16, 900)
    test_meta, test_arr = load_split(str(tmp_path), "test")
    assert test_arr["inputs"].shape == (1, 900)


def test_build_maze_spreads_path_lengths_between_the_two_thresholds(tmp_path):
    from data.build_maze import build
    from data.official_format import load_split

    info = build(str(tmp_path), n_train=12, n_test=0, aug=False, seed=2, min_path=10, loops=0.08, workers=1,
                 min_path_max=80)
    assert info["min_path_steps"] == 10 and info["min_path_steps_max"] == 80
    _, arr = load_split(str(tmp_path), "train")
    steps = [int((lab == PATH).sum()) + 1 for lab in arr["labels"]]
    assert min(steps) > 10
    assert max(steps) - min(steps) > 20  # not all drawn at one threshold
    with pytest.raises(ValueError, match="below --min-path"):
        build(str(tmp_path), n_train=1, n_test=0, aug=False, seed=2, min_path=50, loops=0.08, workers=1,
              min_path_max=40)


def test_build_maze_makes_smaller_mazes_on_request(tmp_path):
    from data.build_maze import build
    from data.official_format import load_split

    info = build(str(tmp_path), n_train=3, n_test=2, aug=True, seed=3, min_path=8, loops=0.08, workers=1,
                 min_path_max=20, size=12)
    assert info["size"] == 12
    meta, arr = load_split(str(tmp_path), "train")
    assert meta["seq_len"] == 144 and arr["inputs"].shape == (24, 144)
    for inp, lab in zip(arr["inputs"], arr["labels"]):
        _check_maze(inp.reshape(12, 12), lab.reshape(12, 12), 8, size=12)
    with pytest.raises(ValueError, match="too small"):
        build(str(tmp_path), n_train=1, n_test=0, aug=False, seed=3, min_path=2, loops=0.08, workers=1, size=3)
