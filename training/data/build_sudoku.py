"""Build a Sudoku dataset in the official format from our own generator.

  .venv/bin/python training/data/build_sudoku.py --out data/sudoku --train-puzzles 20000 --aug 4

Writes <out>/train (each generated puzzle + `--aug` augmented copies = one group), <out>/test (all held-out
puzzles, no augmentation), <out>/heldout_{easy,medium,hard}.csv (official columns) and <out>/build.json.
`--hard-train N --hard-pool M` appends the N highest-rated of M further minimal puzzles to training (harder
data, like Sudoku-Extreme's); `--extreme-heldout N` adds heldout_extreme.csv, chosen the same way from its own pool.
Held-out puzzles, and any training puzzle that could be equivalent to a benchmark puzzle
(datasets/benchmarks/sudoku, evaluation only), are removed from training.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from data.official_format import SplitBuilder, write_identifiers  # noqa: E402
from data.sudoku_aug import apply_transform, encode, pattern_invariant, random_transform, relabel_canonical  # noqa: E402
from data.sudoku_csv import benchmark_files, read_sudoku_csv, write_sudoku_csv  # noqa: E402
from data.sudoku_gen import generate  # noqa: E402

HELDOUT = {  # name: (min target givens, max target givens); target 17 always yields a minimal puzzle
    "easy": (36, 45),
    "medium": (26, 32),
    "hard": (17, 17),
}


@functools.lru_cache(maxsize=1)
def benchmark_keys() -> tuple[set, set]:
    """Relabel-canonical solutions and pattern invariants of every benchmark puzzle."""
    sols, invs = set(), set()
    for path in benchmark_files():
        puzzles, solutions, _ = read_sudoku_csv(path)
        for p, s in zip(puzzles, solutions):
            sols.add(relabel_canonical(s))
            invs.add(pattern_invariant(p))
    return sols, invs


def exclusion_reason(puzzle: np.ndarray, solution: np.ndarray, held_sols: set, bench_sols: set,
                     bench_invs: set) -> str | None:
    """Why a generated puzzle must stay out of training, or None. A shared pattern invariant cannot rule out
    equivalence under the transform group cheaply, so such puzzles are left out too (conservative)."""
    key = relabel_canonical(solution)
    if key in held_sols:
        return "heldout_solution"
    if key in bench_sols:
        return "benchmark_solution"
    if pattern_invariant(puzzle) in bench_invs:
        return "benchmark_pattern"
    return None


def hardest(n: int, pool: int, seed: int, workers: int) -> list:
    """The `n` highest-rated of `pool` generated minimal puzzles (most search nodes; ties keep generation order)."""
    ps = generate(pool, 17, 17, seed=seed, workers=workers)
    order = sorted(range(len(ps)), key=lambda i: -ps[i].rating)
    return [ps[i] for i in sorted(order[:n])]


def build(out: str, train_puzzles: int, aug: int, heldout: int, min_givens: int, max_givens: int, seed: int,
          workers: int, exclude_benchmarks: bool = True, hard_train: int = 0, hard_pool: int = 0,
          extreme_heldout: int = 0) -> dict:
    t0 = time.time()
    rng = np.random.default_rng(seed)
    held = {}
    for k, (name, (lo, hi)) in enumerate(HELDOUT.items()):
        held[name] = generate(heldout, lo, hi, seed=seed * 100 + 50 + k, workers=workers)
    if extreme_heldout:  # our own hardest split: the top 1/8 by rating of minimal puzzles
        held["extreme"] = hardest(extreme_heldout, 8 * extreme_heldout, seed=seed * 100 + 70, workers=workers)
    train = generate(train_puzzles, min_givens, max_givens, seed=seed * 100, workers=workers)
    if hard_train:  # appended, so the mixed-givens part (and its augmentations) is the same as without it
        train += hardest(hard_train, hard_pool, seed=seed * 100 + 60, workers=workers)
    t_gen = time.time() - t0

    bench_sols, bench_invs = benchmark_keys() if exclude_benchmarks else (set(), set())
    held_sols = {relabel_canonical(np.array(p.solution)) for ps in held.values() for p in ps}
    kept, dropped = [], {"heldout_solution": 0, "benchmark_solution": 0, "benchmark_pattern": 0}
    for p in train:
        reason = exclusion_reason(np.array(p.puzzle), np.array(p.solution), held_sols, bench_sols, bench_invs)
        if reason:
            dropped[reason] += 1
        else:
            kept.append(p)

    tr = SplitBuilder(seq_len=81)
    for p in kept:
        puzzle, solution = np.array(p.puzzle), np.array(p.solution)
        tr.add_puzzle(0, [(encode(puzzle), encode(solution))])
        for _ in range(aug):
            t = random_transform(rng)
            tr.add_puzzle(0, [(encode(apply_transform(puzzle, t)), encode(apply_transform(solution, t)))])
        tr.end_group()
    tr.write(os.path.join(out, "train"), vocab_size=11, num_puzzle_identifiers=1)

    te = SplitBuilder(seq_len=81)
    for name, ps in held.items():
        for p in ps:
            te.add_puzzle(0, [(encode(np.array(p.puzzle)), encode(np.array(p.solution)))])
            te.end_group()
        write_sudoku_csv(os.path.join(out, f"heldout_{name}.csv"), [p.puzzle for p in ps], [p.solution for p in ps],
                         [p.rating for p in ps], source=f"generated-{name}")
    te.write(os.path.join(out, "test"), vocab_size=11, num_puzzle_identifiers=1)
    write_identifiers(out, ["<blank>"])

    def stats(ps):
        g = np.array([p.givens for p in ps]); r = np.array([p.rating for p in ps])
        return {"n": len(ps), "givens_mean": float(g.mean()), "givens_min": int(g.min()), "givens_max": int(g.max()),
                "rating_mean": float(r.mean()), "rating_max": int(r.max())}

    info = {"seed": seed, "benchmarks_excluded": exclude_benchmarks, "train_puzzles_generated": train_puzzles,
            "hard_train": hard_train, "hard_pool": hard_pool, "train_puzzles_kept": len(kept),
            "dropped": dropped, "aug_per_puzzle": aug, "train_examples": len(tr.inputs),
            "train_stats": stats(kept), "heldout": {k: stats(v) for k, v in held.items()},
            "generation_seconds": round(t_gen, 1), "total_seconds": round(time.time() - t0, 1), "workers": workers}
    with open(os.path.join(out, "build.json"), "w") as f:
        json.dump(info, f, indent=1)
    return info


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="data/sudoku")
    ap.add_argument("--train-puzzles", type=int, default=20000)
    ap.add_argument("--aug", type=int, default=4, help="augmented copies per training puzzle (official: 1000)")
    ap.add_argument("--heldout", type=int, default=500, help="puzzles per held-out split (easy, medium, hard)")
    ap.add_argument("--min-givens", type=int, default=17)
    ap.add_argument("--max-givens", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--hard-train", type=int, default=0,
                    help="add this many hard training puzzles: the highest-rated of --hard-pool minimal puzzles")
    ap.add_argument("--hard-pool", type=int, default=0)
    ap.add_argument("--extreme-heldout", type=int, default=0,
                    help="also write heldout_extreme.csv: the highest-rated of 8x this many minimal puzzles")
    a = ap.parse_args(argv)
    if a.hard_train > a.hard_pool:
        ap.error("--hard-pool must be at least --hard-train")
    info = build(a.out, a.train_puzzles, a.aug, a.heldout, a.min_givens, a.max_givens, a.seed, a.workers,
                 hard_train=a.hard_train, hard_pool=a.hard_pool, extreme_heldout=a.extreme_heldout)
    print(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
