"""Side by side on the same data and minutes: the official recipe (the pilot of docs/training-on-cpu.md:
bf16 forward, hidden 128, T=2, n=4, lr 3e-4, wd 1.0, EMA 0.999) against our trainer's CPU settings.

  .venv/bin/python training/compare_cpu.py --data data/sudoku --minutes 30 --parallel [--configs official,ours]

Each configuration trains for `--minutes`: one after the other with `--threads` each, or with `--parallel` all at
once with `--threads` split between them (on a machine shared with other work, this way every configuration
sees the same load). Then raw and EMA weights are evaluated (all 16 ACT steps) on an evenly strided sample of
the held-out easy and medium puzzles of the dataset (never trained on).
Printed: optimizer steps, example·steps/s, effective GFLOP/s (model FLOPs of forward + backward) and accuracy.
`ours` keeps training afterwards when the shipped model's command resumes its run dir (--budget-minutes sets
the cosine horizon of that longer run).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

COMMON = ["--task", "sudoku", "--mlp-t", "true", "--pos-encodings", "none", "--global-batch", "32",
          "--optimizer", "adam_atan2", "--lr-warmup-steps", "100"]
CONFIGS = {
    # the official recipe as the pilot ran it (bf16 activations, fp32 master weights cast at every use)
    "official": ["--forward-dtype", "bfloat16", "--hidden-size", "128", "--H-cycles", "2", "--L-cycles", "4",
                 "--lr", "3e-4", "--weight-decay", "1.0", "--puzzle-emb-lr", "1e-4", "--puzzle-emb-weight-decay", "1.0",
                 "--ema-rate", "0.999"],
    # same model and hyperparameters, our CPU execution choice only (float32: no casts, AVX2 fp32 GEMMs)
    "ours_same_model": ["--forward-dtype", "float32", "--hidden-size", "128", "--H-cycles", "2", "--L-cycles", "4",
                        "--lr", "3e-4", "--weight-decay", "1.0", "--puzzle-emb-lr", "1e-4",
                        "--puzzle-emb-weight-decay", "1.0", "--ema-rate", "0.999"],
    # our CPU recipe: float32 compiled, a narrower/shallower model that makes ~4x the optimizer steps per
    # CPU-minute, lr 3e-4 with a cosine over the budget (1e-3 over-fitted the carried rows), a shorter EMA
    "ours": ["--forward-dtype", "float32", "--hidden-size", "64", "--H-cycles", "2", "--L-cycles", "2",
             "--lr", "3e-4", "--weight-decay", "0.1", "--puzzle-emb-lr", "1e-3", "--puzzle-emb-weight-decay", "0.1",
             "--ema-horizon", "1000", "--lr-min-ratio", "0.1", "--compile", "true"],
}


def train_command(name: str, data: str, minutes: float, threads: int, out_root: str, budget_minutes: float) -> list:
    run_dir = os.path.join(out_root, name)
    extra = ["--budget-minutes", str(budget_minutes or minutes)] if "--lr-min-ratio" in CONFIGS[name] else []
    return [sys.executable, os.path.join(HERE, "train.py"), "--data", data, "--run-dir", run_dir, "--fresh",
            "--minutes", str(minutes), "--threads", str(threads), "--no-final-eval", "--print-every-s", "60",
            "--ckpt-every-s", "600"] + COMMON + CONFIGS[name] + extra


def train_all(names: list, a) -> None:
    threads = max(1, a.threads // len(names)) if a.parallel else a.threads
    cmds = {n: train_command(n, a.data, a.minutes, threads, a.out, a.budget_minutes) for n in names}
    for n, cmd in cmds.items():
        print(f"[{n}] {' '.join(cmd)}", flush=True)
    if a.parallel:
        os.makedirs(a.out, exist_ok=True)
        procs = {n: subprocess.Popen(cmd, stdout=open(os.path.join(a.out, f"{n}.log"), "w"), stderr=subprocess.STDOUT)
                 for n, cmd in cmds.items()}
        failed = [n for n, p in procs.items() if p.wait() != 0]
        if failed:
            sys.exit(f"error: training failed for {failed}; see {a.out}/<name>.log")
    else:
        for cmd in cmds.values():
            subprocess.run(cmd, check=True)


def summarize(run_dir: str, data: str, eval_n: int) -> dict:
    from trainer.model_io import load_model, trainer_state
    from trainer.settings import train_flops_per_example_step
    from evaluate import sudoku_csv_arrays
    from trainer.evaluation import evaluate_arrays
    state = trainer_state(run_dir)  # steps and training time from the checkpoint (short runs log no CSV row)
    steps, elapsed = state["step"], state["elapsed_s"]
    ex_steps = steps * state["settings"]["global_batch"] / max(1e-9, elapsed)
    cpu_s = state.get("cpu_s", 0.0)
    result = {"steps": steps, "minutes": round(elapsed / 60, 2), "example_steps_per_s": round(ex_steps, 2),
              "example_steps_per_cpu_s": round(steps * state["settings"]["global_batch"] / cpu_s, 2) if cpu_s else None}
    for which in ("raw", "ema"):
        model, cfg, _ = load_model(run_dir, which)
        for level in ("easy", "medium"):
            inputs, labels, pids = sudoku_csv_arrays(os.path.join(data, f"heldout_{level}.csv"), eval_n)
            r = evaluate_arrays(model, inputs, labels, pids)
            result[f"exact_{level}_{which}"] = round(r["exact_accuracy"], 4)
            result[f"token_{level}_{which}"] = round(r["token_accuracy"], 4)
    result["gflops"] = round(ex_steps * train_flops_per_example_step(cfg) / 1e9, 1)
    if cpu_s:
        result["gflop_per_cpu_s"] = round(result["example_steps_per_cpu_s"] * train_flops_per_example_step(cfg) / 1e9, 1)
    result["params"] = sum(p.numel() for p in model.parameters())
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="data/sudoku")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--configs", default="official,ours")
    ap.add_argument("--parallel", action="store_true", help="train all configurations at once, threads split")
    ap.add_argument("--budget-minutes", type=float, default=0,
                    help="cosine horizon of configurations with a schedule (default: --minutes)")
    ap.add_argument("--eval-n", type=int, default=200, help="held-out puzzles per level (easy, medium)")
    ap.add_argument("--out", default="runs/compare")
    ap.add_argument("--summarize-only", action="store_true", help="only evaluate and tabulate existing runs in --out")
    a = ap.parse_args(argv)
    names = a.configs.split(",")
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        sys.exit(f"error: unknown config(s) {unknown}; choose from {list(CONFIGS)}")
    if not a.summarize_only:
        train_all(names, a)
    results = {n: summarize(os.path.join(a.out, n), a.data, a.eval_n) for n in names}
    keys = ["params", "steps", "minutes", "example_steps_per_s", "gflops", "example_steps_per_cpu_s",
            "gflop_per_cpu_s"] + [f"{m}_{lv}_{w}" for m in ("exact", "token") for lv in ("easy", "medium")
                                  for w in ("raw", "ema")]
    print(f"\n{'':22s}" + "".join(f"{n:>18s}" for n in names))
    for k in keys:
        print(f"{k:22s}" + "".join(f"{results[n].get(k)!s:>18s}" for n in names))
    with open(os.path.join(a.out, "compare.json"), "w") as f:
        json.dump({"minutes": a.minutes, "threads": a.threads, "parallel": a.parallel, "eval_n": a.eval_n,
                   "results": results}, f, indent=1)
    return results


if __name__ == "__main__":
    main()
