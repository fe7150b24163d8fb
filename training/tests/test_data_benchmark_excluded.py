"""datasets/benchmarks is evaluation only: no benchmark Sudoku (or a transform of one) may reach training data."""
from __future__ import annotations

import numpy as np
import pytest

from data.build_sudoku import benchmark_keys, build, exclusion_reason
from data.official_format import load_split
from data.sudoku_aug import apply_transform, decode, random_transform, relabel_canonical
from data.sudoku_csv import benchmark_files, read_sudoku_csv


@pytest.fixture(scope="module")
def benchmarks():
    rows = [read_sudoku_csv(p) for p in benchmark_files()]
    puzzles = np.concatenate([r[0] for r in rows])
    solutions = np.concatenate([r[1] for r in rows])
    return puzzles, solutions


def test_every_benchmark_file_is_read(benchmarks):
    assert len(benchmark_files()) == 4
    assert len(benchmarks[0]) == 6465


def test_transformed_benchmark_puzzles_are_excluded(benchmarks):
    sols, invs = benchmark_keys()
    rng = np.random.default_rng(0)
    puzzles, solutions = benchmarks
    for k in rng.choice(len(puzzles), 20, replace=False):
        t = random_transform(rng)
        p, s = apply_transform(puzzles[k], t), apply_transform(solutions[k], t)
        assert exclusion_reason(p, s, set(), sols, invs) in ("benchmark_solution", "benchmark_pattern")
        assert exclusion_reason(puzzles[k], solutions[k], set(), sols, invs) is not None


def test_generated_training_data_holds_no_benchmark_puzzle(benchmarks, tmp_path):
    build(str(tmp_path), train_puzzles=40, aug=2, heldout=2, min_givens=17, max_givens=40, seed=11, workers=1)
    _, arr = load_split(str(tmp_path), "train")
    bench_puzzles = {p.astype(np.uint8).tobytes() for p in benchmarks[0]}
    bench_sol_keys = {relabel_canonical(s) for s in benchmarks[1]}
    for inp, lab in zip(arr["inputs"], arr["labels"]):
        assert decode(inp).clip(0).astype(np.uint8).tobytes() not in bench_puzzles
        assert relabel_canonical(decode(lab)) not in bench_sol_keys
