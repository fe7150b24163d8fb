"""Side by side on the same data and minutes: the official recipe (the pilot of ../shared/training-on-cpu.md:
bf16 forward, hidden 128, T=2, n=4, lr 3e-4, wd 1.0, EMA 0.999) against our trainer's CPU settings.

  .venv/bin/python training/compare_cpu.py --data data/sudoku --minutes 10 [--configs official,ours_same_model,ours]

Each configuration trains for `--minutes` (one after the other, so they do not compete for the cores), then
both raw and EMA weights are evaluated on an evenly strided sample of the test split (all 16 ACT steps).
Printed: optimizer steps, example·steps/s, effective GFLOP/s (model FLOPs of forward + backward) and accuracy.
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
    # our CPU recipe: float32, a narrower/shallower model that learns more per CPU-minute, higher lr with a
    # cosine over the budget, a short EMA horizon
    "ours": ["--forward-dtype", "float32", "--hidden-size", "64", "--H-cycles", "2", "--L-cycles", "2",
             "--lr", "1e-3", "--weight-decay", "0.1", "--puzzle-emb-lr", "1e-3", "--puzzle-emb-weight-decay", "0.1",
             "--ema-horizon", "300", "--lr-min-ratio", "0.1"],
}


def run_one(name: str, data: str, minutes: float, threads: int, out_root: str, eval_n: int,
            summarize_only: bool = False) -> dict:
    run_dir = os.path.join(out_root, name)
    extra = ["--budget-minutes", str(minutes)] if "--lr-min-ratio" in CONFIGS[name] else []
    cmd = [sys.executable, os.path.join(HERE, "train.py"), "--data", data, "--run-dir", run_dir, "--fresh",
           "--minutes", str(minutes), "--threads", str(threads), "--no-final-eval", "--print-every-s", "60",
           "--ckpt-every-s", "1e9"] + COMMON + CONFIGS[name] + extra
    if not summarize_only:
        print(f"[{name}] {' '.join(cmd)}", flush=True)
        subprocess.run(cmd, check=True)
    return summarize(run_dir, data, eval_n)


def summarize(run_dir: str, data: str, eval_n: int) -> dict:
    from trainer.model_io import load_model, trainer_state
    state = trainer_state(run_dir)  # steps and training time from the checkpoint (short runs log no CSV row)
    steps, elapsed = state["step"], state["elapsed_s"]
    ex_steps = steps * state["settings"]["global_batch"] / max(1e-9, elapsed)
    from trainer.settings import train_flops_per_example_step
    from evaluate import split_arrays
    from trainer.evaluation import evaluate_arrays
    cpu_s = state.get("cpu_s", 0.0)
    result = {"steps": steps, "minutes": round(elapsed / 60, 2), "example_steps_per_s": round(ex_steps, 2),
              "example_steps_per_cpu_s": round(steps * state["settings"]["global_batch"] / cpu_s, 2) if cpu_s else None}
    for which in ("raw", "ema"):
        model, cfg, _ = load_model(run_dir, which)
        inputs, labels, pids, ignore = split_arrays(data, "test", eval_n)
        r = evaluate_arrays(model, inputs, labels, pids, ignore_label_id=ignore)
        result[f"exact_{which}"] = round(r["exact_accuracy"], 4)
        result[f"token_{which}"] = round(r["token_accuracy"], 4)
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
    ap.add_argument("--eval-n", type=int, default=300, help="test examples (strided over easy/medium/hard)")
    ap.add_argument("--out", default="runs/compare")
    ap.add_argument("--summarize-only", action="store_true", help="only evaluate and tabulate existing runs in --out")
    a = ap.parse_args(argv)
    names = a.configs.split(",")
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        sys.exit(f"error: unknown config(s) {unknown}; choose from {list(CONFIGS)}")
    results = {n: run_one(n, a.data, a.minutes, a.threads, a.out, a.eval_n, a.summarize_only) for n in names}
    keys = ["params", "steps", "minutes", "example_steps_per_s", "gflops", "example_steps_per_cpu_s",
            "gflop_per_cpu_s", "exact_raw", "exact_ema", "token_raw", "token_ema"]
    print(f"\n{'':22s}" + "".join(f"{n:>18s}" for n in names))
    for k in keys:
        print(f"{k:22s}" + "".join(f"{results[n].get(k)!s:>18s}" for n in names))
    with open(os.path.join(a.out, "compare.json"), "w") as f:
        json.dump({"minutes": a.minutes, "threads": a.threads, "eval_n": a.eval_n, "results": results}, f, indent=1)
    return results


if __name__ == "__main__":
    main()
