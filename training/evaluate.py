"""Evaluate a TRM: exact accuracy (whole grid), token accuracy, exact accuracy after each ACT step, and the mean
step at which q_halt first says "halt" — always running all 16 steps, as the official evaluation does.

  .venv/bin/python training/evaluate.py --model models/sudoku.safetensors --data data/sudoku --split test
  .venv/bin/python training/evaluate.py --model runs/sudoku --weights ema --csv data/sudoku/heldout_hard.csv
  .venv/bin/python training/evaluate.py --model models/sudoku.safetensors --benchmarks --limit 1000 --json

`--views N` (Sudoku) solves every puzzle as N test-time views side by side and answers with the first view whose
answer obeys the rules, as the app does (view 0 = the puzzle as given: 1 view is the official protocol).

An ARC model on a dataset split (`--data`) is also scored the official way: every augmented copy of a test input
votes (docs/spec.md §7.3), pass@1 and pass@2 over tasks, beside the un-augmented copy alone (what the app solves).

`--csv` takes the official columns (source,question,answer,rating) or the benchmark files' (puzzle,solution).
`--benchmarks` = every file of datasets/benchmarks/sudoku; `--limit N` takes an evenly strided sample of N rows.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from data.official_format import load_identifiers, load_split  # noqa: E402
from data.sudoku_aug import encode  # noqa: E402
from data.sudoku_csv import benchmark_files, read_sudoku_csv  # noqa: E402
from trainer.arc_vote import arc_vote  # noqa: E402
from trainer.evaluation import evaluate_arrays, evaluate_sudoku_views, strided  # noqa: E402
from data.maze_gen import PATH as MAZE_PATH  # noqa: E402
from trainer.model_io import compile_network, load_model  # noqa: E402


def sudoku_csv_arrays(path: str, limit: int):
    puzzles, solutions, _ = read_sudoku_csv(path)
    idx = strided(len(puzzles), limit)
    return encode(puzzles[idx]), encode(solutions[idx]), np.zeros(len(idx), np.int32)


def split_arrays(root: str, split: str, limit: int):
    meta, arr = load_split(root, split)
    idx = strided(len(arr["inputs"]), limit)
    pz = np.searchsorted(arr["puzzle_indices"], idx, side="right") - 1
    return arr["inputs"][idx], arr["labels"][idx], arr["puzzle_identifiers"][pz], meta["ignore_label_id"]


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="app .safetensors, or a training run dir / its ckpt.pt")
    ap.add_argument("--weights", default="ema", choices=["raw", "ema"], help="for a training run: which weights")
    ap.add_argument("--data", help="official-format dataset root")
    ap.add_argument("--split", default="test")
    ap.add_argument("--csv", nargs="*", default=[], help="Sudoku CSV files")
    ap.add_argument("--benchmarks", action="store_true", help="all of datasets/benchmarks/sudoku")
    ap.add_argument("--limit", type=int, default=0, help="rows per source (evenly strided sample; 0 = all)")
    ap.add_argument("--steps", type=int, default=0, help="ACT steps (0 = halt_max_steps of the model)")
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--compile", action="store_true", help="torch.compile the network (faster on long evaluations)")
    ap.add_argument("--views", type=int, default=1, help="Sudoku: test-time views per puzzle (1 = official protocol)")
    ap.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    ap.add_argument("--per-row", action="store_true", help="also list, per row, whether it was solved exactly")
    a = ap.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    model, cfg, info = load_model(a.model, a.weights, a.device)
    if a.compile:
        compile_network(model)
    if a.views < 1 or (a.views > 1 and cfg.task != "sudoku"):
        sys.exit(f"error: --views takes a positive count, and more than 1 only for Sudoku (the model's task is {cfg.task})")
    sources = []
    if a.data:
        sources.append((f"{a.data}:{a.split}", *split_arrays(a.data, a.split, a.limit)))
    csvs = list(a.csv) + ([str(p) for p in benchmark_files()] if a.benchmarks else [])
    for path in csvs:
        if cfg.task != "sudoku":
            sys.exit(f"error: --csv/--benchmarks are Sudoku files but the model's task is {cfg.task}")
        sources.append((os.path.basename(path), *sudoku_csv_arrays(path, a.limit), 0))
    if not sources:
        sys.exit("error: nothing to evaluate: give --data, --csv or --benchmarks")
    results = {}
    for name, inputs, labels, pids, ignore in sources:
        t0 = time.time()
        if a.views > 1:
            r = evaluate_sudoku_views(model, inputs, labels, a.views, batch_size=a.batch_size, device=a.device,
                                      steps=a.steps or None)
            if not a.per_row:
                r.pop("solved")
        else:
            vote = cfg.task == "arc" and name.startswith(f"{a.data}:")
            r = evaluate_arrays(model, inputs, labels, pids, batch_size=a.batch_size, device=a.device,
                                steps=a.steps or None, ignore_label_id=ignore, return_preds=a.per_row or vote,
                                path_token=MAZE_PATH if cfg.task == "maze" else None)
            q = r.pop("q_halt_logits", None)
            if vote:
                names = load_identifiers(a.data)
                r["arc_vote"] = arc_vote(inputs, labels, r["preds"], q, [names[int(i)] for i in pids])
            if not a.per_row:
                r.pop("preds", None)
        if a.per_row and "preds" in r:
            preds = r.pop("preds")
            r["solved"] = [bool(x) for x in ((preds == labels) | (labels == ignore)).all(-1)]
        r["seconds"] = round(time.time() - t0, 1)
        results[name] = r
        if not a.json:
            curve = " ".join(f"{x:.2f}" for x in r["exact_accuracy_per_step"])
            if "path_recall_per_step" in r:
                rec, prec, ex = r["path_recall_per_step"], r["path_precision_per_step"], r["exact_accuracy_per_step"]
                at = [k for k in (1, 4, len(ex)) if k <= len(ex)]
                curve += "\n    maze path after step " + ",  ".join(
                    f"{k}: recall {rec[k - 1]:.3f} precision {prec[k - 1]:.3f} exact {ex[k - 1]:.3f}" for k in at)
            views = f"  ({r['views']} views; view 0 alone {r['single_view_exact']:.4f})" if "views" in r else ""
            print(f"{name:40s} n={r['n']:5d}  exact {r['exact_accuracy']:.4f}{views}  token {r['token_accuracy']:.4f}  "
                  f"halting step {r['mean_halting_step']:.1f}  ({r['seconds']} s)\n    exact per step: {curve}", flush=True)
            if "arc_vote" in r:
                v = r["arc_vote"]
                print(f"    ARC voting over augmentations, {v['tasks']} tasks: pass@1 {v['pass@1']:.4f}  pass@2 {v['pass@2']:.4f}"
                      f"  (un-augmented copy alone: {v['original_exact']})")
                for task, s in v["per_task"].items():
                    print(f"      {task}: " + "  ".join(f"{m} {x:.2f}" for m, x in s.items()))
    out = {"model": info, "config": cfg.to_dict(), "limit": a.limit, "views": a.views, "results": results}
    if a.json:
        print(json.dumps(out, indent=1, default=str))
    return out


if __name__ == "__main__":
    main()
