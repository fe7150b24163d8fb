"""Test-time views of a Sudoku, drawn exactly as the app draws them (src/core/tasks/sudoku-views.ts, checked
against tests/fixtures/sudoku-views.json): view 0 is the puzzle as given, the others relabel digits, maybe
transpose, and shuffle bands/rows and stacks/columns. Each view is one more try of the model; an answer that
obeys the rules and keeps the givens is the solution of a puzzle with a unique solution, so a solver may pick
it without knowing the label. Works on official tokens (0 PAD, 1 blank, 2..10 digits 1..9)."""
from __future__ import annotations

import numpy as np

SEED = 20251
M32 = 0xFFFFFFFF


def mulberry32(seed: int):
    """The app's seededRandom (src/core/random.ts), bit for bit: uniform floats in [0, 1)."""
    state = seed & M32

    def draw() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & M32
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & M32
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    return draw


def _shuffle(items: list, draw) -> list:
    for i in range(len(items) - 1, 0, -1):
        j = int(draw() * (i + 1))
        items[i], items[j] = items[j], items[i]
    return items


def _shuffled_lines(draw) -> list:
    return [3 * band + i for band in _shuffle([0, 1, 2], draw) for i in _shuffle([0, 1, 2], draw)]


def sudoku_views(count: int, seed: int = SEED) -> list[dict]:
    """[{digits [10], transpose, cells [81]}]: viewed[k] = source[cells[k]], source transposed first if asked."""
    views = [{"digits": np.arange(10), "transpose": False, "cells": np.arange(81)}]
    draw = mulberry32(seed)
    while len(views) < count:
        digits = np.array([0] + _shuffle(list(range(1, 10)), draw))
        transpose = draw() < 0.5
        rows, cols = _shuffled_lines(draw), _shuffled_lines(draw)
        views.append({"digits": digits, "transpose": transpose,
                      "cells": (np.array(rows)[:, None] * 9 + np.array(cols)[None, :]).reshape(-1)})
    return views


def _source_cells(view: dict) -> np.ndarray:
    c = view["cells"]
    return (c % 9) * 9 + c // 9 if view["transpose"] else c


def _token_map(view: dict, inverse: bool) -> np.ndarray:
    digits = view["digits"]
    if inverse:
        digits = np.argsort(digits)
    return np.concatenate([[0, 1], digits[1:] + 1])  # token t >= 2 is digit t - 1


def view_tokens(tokens: np.ndarray, view: dict) -> np.ndarray:
    """[N, 81] puzzle tokens as `view` shows them."""
    return _token_map(view, False)[np.asarray(tokens)[:, _source_cells(view)]]


def unview_tokens(viewed: np.ndarray, view: dict) -> np.ndarray:
    """[N, 81] tokens of a view (e.g. the model's answer to it) back in the puzzle's layout and digits."""
    out = np.empty_like(viewed)
    out[:, _source_cells(view)] = _token_map(view, True)[viewed]
    return out


_UNITS = np.array([[r * 9 + c for c in range(9)] for r in range(9)] + [[r * 9 + c for r in range(9)] for c in range(9)]
                  + [[(3 * (b // 3) + i // 3) * 9 + 3 * (b % 3) + i % 3 for i in range(9)] for b in range(9)])


def solves(puzzles: np.ndarray, answers: np.ndarray) -> np.ndarray:
    """[N] whether each answer is complete, breaks no row/column/box rule and keeps the puzzle's givens."""
    a = np.asarray(answers).astype(np.int64)
    p = np.asarray(puzzles).astype(np.int64)
    digits = np.where((a >= 2) & (a <= 10), a - 1, 0)
    in_units = digits[:, _UNITS]  # [N, 27, 9]
    every_unit_once = np.stack([(in_units == d).sum(-1) == 1 for d in range(1, 10)], -1).all((1, 2))
    givens_kept = ((p < 2) | (a == p)).all(1)
    return every_unit_once & givens_kept
