"""ARC augmentation and canvas encoding in the official scheme (docs/spec.md §3.3, §4.3).

An augmentation = colour permutation of 1..9 with black (0) fixed, then a dihedral transform; the augmented
puzzle is named "<task>|||t<tid>|||<10-digit colour map>". Grids are placed on a square canvas as colour+2
with an EOS (1) border right and below, PAD (0) elsewhere, at a shared random offset (train split only).
"""
from __future__ import annotations

import hashlib

import numpy as np

from .dihedral import dihedral, inverse_dihedral

SEP = "|||"
PAD, EOS = 0, 1


def aug_name(task: str, tid: int, perm: np.ndarray) -> str:
    return f"{task}{SEP}t{tid}{SEP}{''.join(str(int(x)) for x in perm)}"


def parse_name(name: str) -> tuple[str, int, np.ndarray]:
    """(task, dihedral id, colour map); the original puzzle "<task>" is (task, 0, identity)."""
    parts = name.split(SEP)
    if len(parts) == 1:
        return name, 0, np.arange(10)
    if len(parts) != 3 or not parts[1].startswith("t") or len(parts[2]) != 10:
        raise ValueError(f"not an augmented ARC puzzle name: {name!r}")
    return parts[0], int(parts[1][1:]), np.array([int(ch) for ch in parts[2]])


def augment_grid(grid: np.ndarray, tid: int, perm: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(dihedral(perm[grid], tid))


def inverse_augment_grid(grid: np.ndarray, name: str) -> np.ndarray:
    """Maps a grid of the augmented puzzle `name` back to the original task's frame and colours."""
    _, tid, perm = parse_name(name)
    return np.argsort(perm)[np.ascontiguousarray(inverse_dihedral(grid, tid))]


def random_aug(rng: np.random.Generator) -> tuple[int, np.ndarray]:
    return int(rng.integers(0, 8)), np.concatenate([[0], rng.permutation(9) + 1])


def puzzle_hash(examples: list[tuple[np.ndarray, np.ndarray]]) -> str:
    h = hashlib.sha256()
    for inp, out in examples:
        for g in (inp, out):
            h.update(np.array(g.shape, np.int64).tobytes())
            h.update(np.ascontiguousarray(g, np.uint8).tobytes())
    return h.hexdigest()


def to_canvas(inp: np.ndarray, out: np.ndarray, canvas: int, offset: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Both grids at the same top-left offset, colour+2, EOS row below and column right (inside the canvas)."""
    res = []
    r0, c0 = offset
    for g in (inp, out):
        nr, nc = g.shape
        x = np.full((canvas, canvas), PAD, np.uint8)
        x[r0:r0 + nr, c0:c0 + nc] = g + 2
        if r0 + nr < canvas:
            x[r0 + nr, c0:c0 + nc] = EOS
        if c0 + nc < canvas:
            x[r0:r0 + nr, c0 + nc] = EOS
        res.append(x.reshape(-1))
    return res[0], res[1]


def random_offset(rng: np.random.Generator, inp: np.ndarray, out: np.ndarray, canvas: int) -> tuple[int, int]:
    rows = max(inp.shape[0], out.shape[0])
    cols = max(inp.shape[1], out.shape[1])
    return int(rng.integers(0, canvas - rows + 1)), int(rng.integers(0, canvas - cols + 1))


def crop(tokens: np.ndarray, canvas: int) -> np.ndarray:
    """Official decoding: the largest top-left rectangle whose cells are all colours (ids 2..11), minus 2."""
    g = np.asarray(tokens).reshape(canvas, canvas)
    best, best_rc = 0, (0, 0)
    max_c = canvas
    for r in range(canvas):
        c = 0
        while c < max_c and 2 <= g[r, c] <= 11:
            c += 1
        max_c = c
        if max_c == 0:
            break
        if (r + 1) * max_c > best:
            best, best_rc = (r + 1) * max_c, (r + 1, max_c)
    nr, nc = best_rc
    return (g[:nr, :nc].astype(np.int64) - 2)
