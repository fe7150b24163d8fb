"""Generator of valid Sudoku puzzles with a unique solution, with a target number of givens.

Method: fill a random complete grid (randomised search on the empty grid), then remove givens in a random
order, keeping a removal only when the puzzle stays unique (no solution with another digit in that cell),
until the target count is reached or no given can be removed (a minimal puzzle, typically 20-27 givens).
Each puzzle is rated with `sudoku_solver.rating`.
"""
from __future__ import annotations

import multiprocessing as mp
import random
from dataclasses import dataclass

import numpy as np

from .sudoku_solver import solve


@dataclass
class Puzzle:
    puzzle: list[int]  # 81 ints, 0 = blank
    solution: list[int]
    givens: int
    rating: int


def random_solution(rng: random.Random) -> list[int]:
    res = solve([0] * 81, limit=1, rng=rng)
    assert res.solution is not None
    return res.solution


def make_puzzle(rng: random.Random, target_givens: int) -> Puzzle:
    sol = random_solution(rng)
    puzzle = list(sol)
    order = list(range(81))
    rng.shuffle(order)
    givens = 81
    for cell in order:
        if givens <= target_givens:
            break
        digit = puzzle[cell]
        puzzle[cell] = 0
        if solve(puzzle, limit=1, forbid=(cell, digit)).count:
            puzzle[cell] = digit  # another digit fits there: the given is needed
        else:
            givens -= 1
    return Puzzle(puzzle, sol, givens, solve(puzzle, limit=2).nodes)


def _work(args) -> list[tuple]:
    seed, targets = args
    rng = random.Random(seed)
    out = []
    for t in targets:
        p = make_puzzle(rng, int(t))
        out.append((p.puzzle, p.solution, p.givens, p.rating))
    return out


def generate(n: int, min_givens: int, max_givens: int, seed: int, workers: int = 2, chunk: int = 64) -> list[Puzzle]:
    """`n` puzzles with target givens uniform in [min_givens, max_givens] (targets below what uniqueness
    allows give minimal puzzles). Deterministic for a given seed, chunk and n, whatever `workers` is."""
    targets = np.random.default_rng(seed).integers(min_givens, max_givens + 1, size=n)
    jobs = [((seed, k), targets[k * chunk:(k + 1) * chunk]) for k in range((n + chunk - 1) // chunk)]
    jobs = [(hash_seed(s), t) for s, t in jobs]
    if workers > 1:
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_work, jobs)
    else:
        parts = [_work(j) for j in jobs]
    return [Puzzle(*row) for part in parts for row in part]


def hash_seed(pair: tuple[int, int]) -> int:
    a, b = pair
    return (a * 1_000_003 + b * 7919 + 12345) & 0x7FFFFFFF
