"""Build a 30×30 Maze-Hard-style dataset in the official format from our own generator.

  .venv/bin/python training/data/build_maze.py --out data/maze --train 1000 --test 200 --aug

`--size N` builds N×N mazes instead (sequence length N²), for models small enough to train on a CPU.

Train groups = one maze + (with --aug) its 7 other dihedral transforms; test = held-out mazes, no augmentation.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from data.dihedral import dihedral  # noqa: E402
from data.maze_gen import WALL, make_maze  # noqa: E402
from data.official_format import SplitBuilder, write_identifiers  # noqa: E402


def pad_to_canvas(inp: np.ndarray, lab: np.ndarray, canvas: int, rng: np.random.Generator):
    """A side-s maze placed at a random offset of a canvas×canvas grid of walls (the app's codec reads a smaller
    maze the same way: walls around it)."""
    s = inp.shape[0]
    r, c = (int(v) for v in rng.integers(0, canvas - s + 1, size=2))
    out = []
    for g in (inp, lab):
        big = np.full((canvas, canvas), WALL, np.uint8)
        big[r:r + s, c:c + s] = g
        out.append(big)
    return out[0], out[1]


def _mazes(args):
    seed, n, min_path, min_path_max, loops, size, size_min = args
    rng = np.random.default_rng(seed)

    def threshold(side: int) -> int:
        # A spread draws one per maze; without one, no draw (same mazes as before the option). Mazes smaller than
        # the canvas scale the threshold by their area, so that they are as hard for their size.
        t = min_path if min_path_max == min_path else int(rng.integers(min_path, min_path_max + 1))
        return t if side == size else max(1, t * side * side // (size * size))

    out = []
    for _ in range(n):
        side = size if size_min == size else int(rng.integers(size_min, size + 1))
        inp, lab = make_maze(rng, min_path=threshold(side), loop_fraction=loops, size=side)
        out.append((inp, lab) if side == size else pad_to_canvas(inp, lab, size, rng))
    return out


def generate(n: int, seed: int, min_path: int, loops: float, workers: int, min_path_max: int | None = None,
             chunk: int = 25, size: int = 30, size_min: int | None = None):
    hi = min_path if min_path_max is None else min_path_max
    lo_side = size if size_min is None else size_min
    jobs = [(seed * 10_000 + k, min(chunk, n - k * chunk), min_path, hi, loops, size, lo_side)
            for k in range((n + chunk - 1) // chunk)]
    if workers > 1:
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_mazes, jobs)
    else:
        parts = [_mazes(j) for j in jobs]
    return [m for part in parts for m in part]


def build(out: str, n_train: int, n_test: int, aug: bool, seed: int, min_path: int, loops: float, workers: int,
          min_path_max: int | None = None, size: int = 30, size_min: int | None = None) -> dict:
    if min_path_max is not None and min_path_max < min_path:
        raise ValueError(f"--min-path-max {min_path_max} is below --min-path {min_path}")
    t0 = time.time()
    if size < 4:
        raise ValueError(f"--size {size} is too small for a maze (at least 4)")
    if size_min is not None and not 4 <= size_min <= size:
        raise ValueError(f"--size-min {size_min} must be between 4 and --size {size}")
    train = generate(n_train, seed * 2 + 1, min_path, loops, workers, min_path_max, size=size, size_min=size_min)
    test = generate(n_test, seed * 2 + 2, min_path, loops, workers, min_path_max, size=size, size_min=size_min)
    test_keys = {inp.tobytes() for inp, _ in test}
    tr = SplitBuilder(seq_len=size * size)
    kept = 0
    for inp, lab in train:
        if any(dihedral(inp, t).tobytes() in test_keys for t in range(8)):
            continue  # never train on a test maze, in any orientation
        kept += 1
        for tid in range(8 if aug else 1):
            tr.add_puzzle(0, [(dihedral(inp, tid).copy(), dihedral(lab, tid).copy())])
        tr.end_group()
    tr.write(os.path.join(out, "train"), vocab_size=6, num_puzzle_identifiers=1)
    te = SplitBuilder(seq_len=size * size)
    for inp, lab in test:
        te.add_puzzle(0, [(inp, lab)])
        te.end_group()
    te.write(os.path.join(out, "test"), vocab_size=6, num_puzzle_identifiers=1)
    write_identifiers(out, ["<blank>"])
    path_len = [int((lab == 5).sum()) + 1 for _, lab in train + test]  # steps S→G
    spread = {} if min_path_max is None else {"min_path_steps_max": min_path_max}
    if size_min is not None:
        spread["size_min"] = size_min
    info = {"seed": seed, "size": size, "train_mazes": kept, "test_mazes": len(test), "aug": aug, "min_path_steps": min_path,
            **spread, "loop_fraction": loops, "path_steps_mean": float(np.mean(path_len)),
            "path_steps_min": int(min(path_len)),
            "seconds": round(time.time() - t0, 1)}
    with open(os.path.join(out, "build.json"), "w") as f:
        json.dump(info, f, indent=1)
    return info


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="data/maze")
    ap.add_argument("--train", type=int, default=1000)
    ap.add_argument("--test", type=int, default=200)
    ap.add_argument("--aug", action="store_true", help="add the 7 other dihedral transforms of each training maze")
    ap.add_argument("--min-path", type=int, default=110, help="shortest path must have more than this many steps")
    ap.add_argument("--min-path-max", type=int, default=None,
                    help="draw each maze's --min-path uniformly up to this (a spread of difficulties)")
    ap.add_argument("--loops", type=float, default=0.08, help="fraction of inner walls opened to make loops")
    ap.add_argument("--size", type=int, default=30, help="mazes of size×size cells (the official Maze-Hard is 30)")
    ap.add_argument("--size-min", type=int, default=None,
                    help="mix of sizes: each maze's side drawn from --size-min..--size, placed among walls at a random "
                         "offset of the --size canvas; its --min-path is scaled by its area")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    print(json.dumps(build(a.out, a.train, a.test, a.aug, a.seed, a.min_path, a.loops, a.workers, a.min_path_max,
                           a.size, a.size_min),
                     indent=1))


if __name__ == "__main__":
    main()
