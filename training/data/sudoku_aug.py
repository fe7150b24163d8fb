"""Sudoku validity-preserving transforms (the official augmentation family, docs/spec.md §4.1) and encodings.

A transform = digit permutation (blank stays 0) + optional transpose + permutation of the 3 bands and of the
3 rows inside each band + the same for stacks and columns. The same transform is applied to the puzzle and
to its solution, so the label stays the solution of the input.
"""
from __future__ import annotations

import numpy as np


def random_transform(rng: np.random.Generator) -> tuple[np.ndarray, bool, np.ndarray]:
    """(digit_map [10], transpose flag, cell map [81]): new[k] = old[cell_map[k]] after the optional transpose."""
    digit_map = np.concatenate([[0], rng.permutation(9) + 1])
    transpose = bool(rng.random() < 0.5)
    rows = np.concatenate([3 * band + rng.permutation(3) for band in rng.permutation(3)])
    cols = np.concatenate([3 * stack + rng.permutation(3) for stack in rng.permutation(3)])
    cell_map = (rows[:, None] * 9 + cols[None, :]).reshape(-1)
    return digit_map, transpose, cell_map


def apply_transform(grid: np.ndarray, transform) -> np.ndarray:
    digit_map, transpose, cell_map = transform
    g = np.asarray(grid).reshape(9, 9)
    if transpose:
        g = g.T
    return digit_map[g.reshape(-1)[cell_map]]


def encode(grid_digits: np.ndarray) -> np.ndarray:
    """Digits (0 = blank) -> TRM token ids: blank = 1, digit d = d + 1 (docs/spec.md §3.1)."""
    return (np.asarray(grid_digits) + 1).astype(np.uint8)


def decode(tokens: np.ndarray) -> np.ndarray:
    return np.asarray(tokens).astype(np.int64) - 1


def parse_grid(text: str) -> np.ndarray:
    """81 characters, '.' or '0' for blank -> digits."""
    text = text.strip()
    if len(text) != 81:
        raise ValueError(f"a Sudoku grid needs 81 characters, got {len(text)}: {text[:20]}...")
    return np.array([0 if ch in ".0" else int(ch) for ch in text], np.int64)


def grid_to_text(grid: np.ndarray) -> str:
    return "".join("." if v == 0 else str(int(v)) for v in np.asarray(grid).reshape(-1))


def relabel_canonical(grid: np.ndarray) -> bytes:
    """Canonical under digit permutation: digits renamed 1, 2, ... in order of first appearance."""
    g = np.asarray(grid).reshape(-1)
    mapping = {0: 0}
    out = np.empty(81, np.uint8)
    for k, v in enumerate(g):
        v = int(v)
        if v not in mapping:
            mapping[v] = len(mapping)
        out[k] = mapping[v]
    return out.tobytes()


def pattern_invariant(grid: np.ndarray) -> tuple:
    """A necessary condition for two puzzles to be equivalent under the whole transform group (digits, transpose,
    band/stack and row/column shuffles): the sorted per-band sorted row-given-counts, likewise for columns,
    order-free under transpose. Unequal invariants prove the puzzles are not equivalent."""
    filled = (np.asarray(grid).reshape(9, 9) != 0).astype(np.int64)

    def side(m):
        counts = m.sum(axis=1).reshape(3, 3)
        return tuple(sorted(tuple(sorted(band)) for band in counts.tolist()))

    a, b = side(filled), side(filled.T)
    boxes = filled.reshape(3, 3, 3, 3).sum(axis=(1, 3)).tolist()  # givens per box, [band][stack]
    box_forms = [tuple(m[r][c] for r in rp for c in cp)
                 for m in (boxes, [list(col) for col in zip(*boxes)]) for rp in PERMS3 for cp in PERMS3]
    return (int(filled.sum()), min(box_forms)) + tuple(sorted([a, b]))


PERMS3 = [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]
