"""Test-time Sudoku views: the same views as the app (tests/fixtures/sudoku-views.json), validity kept, answers
mapped back exactly, the rule check."""
from __future__ import annotations

import json

import numpy as np

from conftest import FIXTURES
from data.sudoku_aug import encode, parse_grid
from data.sudoku_views import SEED, solves, sudoku_views, unview_tokens, view_tokens

SOLVED = encode(parse_grid("534678912672195348198342567859761423426853791713924856961537284287419635345286179"))[None]
PUZZLE = encode(parse_grid("53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79"))[None]


def test_views_are_the_apps():
    fixture = json.loads((FIXTURES / "sudoku-views.json").read_text())
    assert fixture["seed"] == SEED
    ours = sudoku_views(len(fixture["views"]), fixture["seed"])
    for mine, theirs in zip(ours, fixture["views"]):
        assert mine["digits"].tolist() == theirs["digits"]
        assert mine["transpose"] == theirs["transpose"]
        assert mine["cells"].tolist() == theirs["cells"]


def test_views_keep_puzzles_and_solutions_and_map_back():
    views = sudoku_views(8)
    assert (view_tokens(PUZZLE, views[0]) == PUZZLE).all()
    seen = set()
    for v in views:
        vp, vs = view_tokens(PUZZLE, v), view_tokens(SOLVED, v)
        seen.add(vp.tobytes())
        assert solves(vp, vs).all()
        assert (unview_tokens(vs, v) == SOLVED).all() and (unview_tokens(vp, v) == PUZZLE).all()
    assert len(seen) == 8


def test_rule_check():
    wrong_cell = SOLVED.copy()
    wrong_cell[0, 0] = 2  # a 1 where the 5 was: breaks its row, column and box
    swapped = SOLVED.copy()
    swapped[0, [0, 1]] = swapped[0, [1, 0]]  # still a permutation in row 0, not in the columns
    blank = SOLVED.copy()
    blank[0, 40] = 1
    other_givens = view_tokens(SOLVED, sudoku_views(2)[1])  # a valid grid that does not keep the givens
    got = solves(np.repeat(PUZZLE, 5, 0), np.concatenate([SOLVED, wrong_cell, swapped, blank, other_givens]))
    assert got.tolist() == [True, False, False, False, False]
