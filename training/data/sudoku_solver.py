"""A small bitmask Sudoku solver: counts solutions up to a limit and rates difficulty.

Grids are flat sequences of 81 ints, row-major, 0 = blank, 1..9 = digits.
The search uses naked singles (forced cells cost nothing) and MRV branching; `nodes` counts the
branching decisions (guesses), which is the difficulty rating used by the generator (like tdoku's
"backtracks": 0 means solvable by naked singles alone).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

ALL = 0x1FF  # digits 1..9 as bits 0..8
ROW = tuple(i // 9 for i in range(81))
COL = tuple(i % 9 for i in range(81))
BOX = tuple((i // 27) * 3 + (i % 9) // 3 for i in range(81))
POPCOUNT = tuple(bin(m).count("1") for m in range(512))
BITS = tuple(tuple(d for d in range(9) if m >> d & 1) for m in range(512))


@dataclass
class SolveResult:
    count: int  # solutions found, capped at the limit
    nodes: int  # branching decisions taken
    solution: list[int] | None  # the first solution found


class _Search:
    def __init__(self, grid, limit: int, rng: random.Random | None, forbid: tuple[int, int] | None):
        self.cells = list(grid)
        self.rows = [0] * 9
        self.cols = [0] * 9
        self.boxes = [0] * 9
        self.ok = True
        for i, v in enumerate(self.cells):
            if v:
                bit = 1 << (v - 1)
                r, c, b = ROW[i], COL[i], BOX[i]
                if (self.rows[r] | self.cols[c] | self.boxes[b]) & bit:
                    self.ok = False  # contradictory givens
                self.rows[r] |= bit
                self.cols[c] |= bit
                self.boxes[b] |= bit
        self.empty = [i for i in range(81) if not self.cells[i]]
        self.limit = limit
        self.rng = rng
        self.forbid_cell, self.forbid_bit = (forbid[0], 1 << (forbid[1] - 1)) if forbid else (-1, 0)
        self.count = 0
        self.nodes = 0
        self.solution: list[int] | None = None

    def run(self):
        if self.ok:
            self._search()
        return SolveResult(self.count, self.nodes, self.solution)

    def _search(self):
        # Pick the empty cell with the fewest candidates (MRV); a cell with one candidate is forced.
        empty = self.empty
        if not empty:
            self.count += 1
            if self.solution is None:
                self.solution = list(self.cells)
            return
        rows, cols, boxes = self.rows, self.cols, self.boxes
        best_k, best_n, best_m = -1, 10, 0
        for k, i in enumerate(empty):
            m = ALL & ~(rows[ROW[i]] | cols[COL[i]] | boxes[BOX[i]])
            if i == self.forbid_cell:
                m &= ~self.forbid_bit
            n = POPCOUNT[m]
            if n < best_n:
                best_k, best_n, best_m = k, n, m
                if n <= 1:
                    break
        if best_n == 0:
            return
        i = empty[best_k]
        empty[best_k] = empty[-1]
        empty.pop()
        r, c, b = ROW[i], COL[i], BOX[i]
        digits = BITS[best_m]
        if best_n > 1:
            self.nodes += 1
            if self.rng is not None:
                digits = list(digits)
                self.rng.shuffle(digits)
        for d in digits:
            bit = 1 << d
            rows[r] |= bit
            cols[c] |= bit
            boxes[b] |= bit
            self.cells[i] = d + 1
            self._search()
            rows[r] &= ~bit
            cols[c] &= ~bit
            boxes[b] &= ~bit
            if self.count >= self.limit:
                break
        self.cells[i] = 0
        empty.append(i)
        empty[best_k], empty[-1] = empty[-1], empty[best_k]


def solve(grid, limit: int = 2, rng: random.Random | None = None, forbid: tuple[int, int] | None = None) -> SolveResult:
    """Search `grid` for up to `limit` solutions. `forbid=(cell, digit)` excludes one digit at one cell
    (used to test whether removing a given keeps the solution unique). `rng` randomises digit order."""
    return _Search(grid, limit, rng, forbid).run()


def count_solutions(grid, limit: int = 2) -> int:
    return solve(grid, limit).count


def rating(grid) -> int:
    """Difficulty: branching decisions of the MRV + naked-singles search proving uniqueness."""
    return solve(grid, limit=2).nodes


def is_valid_solution(sol) -> bool:
    """Every row, column and box holds 1..9 exactly once."""
    if len(sol) != 81 or any(not 1 <= v <= 9 for v in sol):
        return False
    for unit in (ROW, COL, BOX):
        seen = [0] * 9
        for i, v in enumerate(sol):
            seen[unit[i]] |= 1 << (v - 1)
        if any(m != ALL for m in seen):
            return False
    return True
