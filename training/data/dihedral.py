"""The 8 dihedral transforms of a square grid, numbered as the official builders number them (docs/spec.md §4.3)."""
from __future__ import annotations

import numpy as np

# tid: 0 identity; 1, 2, 3 rot90 k=1,2,3; 4 fliplr; 5 flipud; 6 transpose; 7 fliplr(rot90)
INVERSE_TID = (0, 3, 2, 1, 4, 5, 6, 7)


def dihedral(grid: np.ndarray, tid: int) -> np.ndarray:
    if tid == 0:
        return grid
    if tid in (1, 2, 3):
        return np.rot90(grid, k=tid)
    if tid == 4:
        return np.fliplr(grid)
    if tid == 5:
        return np.flipud(grid)
    if tid == 6:
        return grid.T
    if tid == 7:
        return np.fliplr(np.rot90(grid, k=1))
    raise ValueError(f"dihedral transform id must be 0..7, got {tid}")


def inverse_dihedral(grid: np.ndarray, tid: int) -> np.ndarray:
    return dihedral(grid, INVERSE_TID[tid])
