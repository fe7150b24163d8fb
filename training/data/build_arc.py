"""Build an ARC dataset in the official scheme from datasets/arc (Kaggle JSON).

  .venv/bin/python training/data/build_arc.py --out data/arc-small --subsets evaluation \\
      --test-set-name evaluation --tasks 8 --num-aug 64 --canvas 12

For the `--test-set-name` subset, a task's train pairs go to the train split and its test pairs to the test
split; other subsets go wholly to train. Each task gets up to `--num-aug` distinct augmentations (dihedral ×
colour permutation, black fixed), each its own puzzle identifier ("<task>|||t<k>|||<perm>"); ids start at 1
(0 = "<blank>") in order of first appearance, train split first. Train examples get a random shared offset
except one per puzzle; test examples sit at (0, 0). `--tasks` / `--task-ids` and `--canvas` make CPU-sized
subsets (tasks whose grids do not fit the canvas are skipped).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from data.arc_aug import aug_name, augment_grid, puzzle_hash, random_aug, random_offset, to_canvas  # noqa: E402
from data.official_format import SplitBuilder, write_identifiers  # noqa: E402

ARC_DIR = Path(__file__).resolve().parents[2] / "datasets" / "arc"
RETRIES_FACTOR = 5


def load_subset(name: str, arc_dir: Path = ARC_DIR) -> dict:
    ch = arc_dir / f"arc-agi_{name}_challenges.json"
    so = arc_dir / f"arc-agi_{name}_solutions.json"
    if not ch.exists():
        raise FileNotFoundError(f"{ch} not found (subsets: training, evaluation, concept, training2, evaluation2)")
    tasks = json.loads(ch.read_text())
    sols = json.loads(so.read_text()) if so.exists() else {}
    for tid, task in tasks.items():
        for k, t in enumerate(task["test"]):
            if "output" not in t:
                t["output"] = sols[tid][k]
    return tasks


def fits(task: dict, canvas: int) -> bool:
    return all(np.array(g).shape[0] <= canvas and np.array(g).shape[1] <= canvas
               for part in ("train", "test") for ex in task[part] for g in (ex["input"], ex["output"]))


def build(out: str, subsets: list[str], test_set_name: str, num_aug: int, canvas: int, seed: int,
          tasks: int = 0, task_ids: list[str] | None = None, train_tasks: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    skipped = []
    # (task id, {"train": examples, "test": examples}) per subset, in shuffled order
    ordered: list[tuple[str, dict]] = []
    test_raw = {}
    for subset in subsets:
        data = load_subset(subset)
        ids = [t for t in data if fits(data[t], canvas) or skipped.append(t)]
        if task_ids:
            ids = [t for t in task_ids if t in ids]
        elif subset == test_set_name and tasks:
            ids = sorted(ids)[:tasks]
        elif subset != test_set_name and train_tasks:
            ids = sorted(ids)[:train_tasks]
        elif subset != test_set_name and tasks:
            ids = []
        ids = [ids[k] for k in rng.permutation(len(ids))]
        for t in ids:
            task = data[t]
            pairs = {p: [(np.array(e["input"], np.uint8), np.array(e["output"], np.uint8)) for e in task[p]]
                     for p in ("train", "test")}
            if subset == test_set_name:
                split_of = {"train": pairs["train"], "test": pairs["test"]}
                test_raw[t] = task
            else:
                split_of = {"train": pairs["train"] + pairs["test"], "test": []}
            ordered.append((t, split_of))

    names = ["<blank>"]
    ids_of: dict[str, int] = {}
    splits = {"train": SplitBuilder(canvas * canvas), "test": SplitBuilder(canvas * canvas)}
    aug_counts = []
    groups: dict[str, list[tuple[str, int, np.ndarray]]] = {}
    for t, split_of in ordered:
        all_ex = split_of["train"] + split_of["test"]
        variants = [(t, 0, np.arange(10))]
        seen = {puzzle_hash(all_ex)}
        for _ in range(RETRIES_FACTOR * num_aug):
            if len(variants) >= num_aug + 1:
                break
            tid, perm = random_aug(rng)
            h = puzzle_hash([(augment_grid(i, tid, perm), augment_grid(o, tid, perm)) for i, o in all_ex])
            if h not in seen:
                seen.add(h)
                variants.append((aug_name(t, tid, perm), tid, perm))
        groups[t] = variants
        aug_counts.append(len(variants) - 1)
    for split in ("train", "test"):
        b = splits[split]
        for t, split_of in ordered:
            examples = split_of[split]
            if not examples:
                continue
            for name, tid, perm in groups[t]:
                if name not in ids_of:
                    ids_of[name] = len(names)
                    names.append(name)
                no_shift = int(rng.integers(len(examples)))
                encoded = []
                for k, (i, o) in enumerate(examples):
                    ai, ao = augment_grid(i, tid, perm), augment_grid(o, tid, perm)
                    off = random_offset(rng, ai, ao, canvas) if split == "train" and k != no_shift else (0, 0)
                    encoded.append(to_canvas(ai, ao, canvas, off))
                b.add_puzzle(ids_of[name], encoded)
            b.end_group()
    for split, b in splits.items():
        b.write(os.path.join(out, split), vocab_size=12, num_puzzle_identifiers=len(names))
    write_identifiers(out, names)
    with open(os.path.join(out, "test_puzzles.json"), "w") as f:
        json.dump(test_raw, f)
    info = {"subsets": subsets, "test_set_name": test_set_name, "canvas": canvas, "seed": seed,
            "tasks": len(ordered), "test_tasks": sorted(test_raw), "identifiers": len(names),
            "mean_augmentations": float(np.mean(aug_counts)) if aug_counts else 0.0,
            "train_examples": len(splits["train"].inputs), "test_examples": len(splits["test"].inputs),
            "skipped_too_large": len(skipped)}
    with open(os.path.join(out, "build.json"), "w") as f:
        json.dump(info, f, indent=1)
    return info


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="data/arc")
    ap.add_argument("--subsets", nargs="+", default=["training", "evaluation", "concept"])
    ap.add_argument("--test-set-name", default="evaluation")
    ap.add_argument("--num-aug", type=int, default=1000)
    ap.add_argument("--canvas", type=int, default=30, help="canvas side (official 30 -> seq_len 900)")
    ap.add_argument("--tasks", type=int, default=0, help="keep only the first N test-set tasks (by id) that fit; "
                    "other subsets are then dropped unless --train-tasks is given")
    ap.add_argument("--train-tasks", type=int, default=0, help="keep the first N tasks of each other subset")
    ap.add_argument("--task-ids", nargs="*", help="explicit task ids to keep")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args(argv)
    print(json.dumps(build(a.out, a.subsets, a.test_set_name, a.num_aug, a.canvas, a.seed, a.tasks, a.task_ids,
                           a.train_tasks), indent=1))


if __name__ == "__main__":
    main()
