"""Example·steps per CPU-second of one training step (forward of T·(n+1) calls + backward of the last n+1) for
float32, bf16 forward (the official `forward_dtype`) and float32 + bf16 autocast, optionally torch.compile'd.
CPU time (not wall time) is measured, so the numbers stay meaningful on a machine shared with other work.

  .venv/bin/python training/bench_dtypes.py --hidden-size 128 --H-cycles 2 --L-cycles 4 --batch 32 --threads 1
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trainer.settings import train_flops_per_example_step  # noqa: E402
from trm import ACTLossHead, TrmConfig  # noqa: E402


def bench(mode: str, a) -> dict:
    dtype = "bfloat16" if mode == "bf16" else "float32"
    cfg = TrmConfig(task="sudoku", hidden_size=a.hidden_size, num_heads=4, H_cycles=a.H_cycles, L_cycles=a.L_cycles,
                    seq_len=81, vocab_size=11, mlp_t=True, pos_encodings="none", forward_dtype=dtype)
    torch.manual_seed(0)
    model = ACTLossHead.from_config(cfg).train()
    if a.compile:
        lv = model.model.inner.L_level
        lv.forward = torch.compile(lv.forward, dynamic=False)
    B = a.batch
    g = torch.Generator().manual_seed(0)
    batch = {"inputs": torch.randint(1, 11, (B, 81), dtype=torch.int32, generator=g),
             "labels": torch.randint(2, 11, (B, 81), generator=g), "puzzle_identifiers": torch.zeros(B, dtype=torch.int32)}
    ctx = torch.autocast("cpu", dtype=torch.bfloat16) if mode == "f32+autocast" else contextlib.nullcontext()
    carry = model.initial_carry(batch)
    cpu, wall = [], []
    for i in range(a.warmup + a.steps):
        t0, c0 = time.time(), time.process_time()
        with ctx:
            carry, loss, *_ = model(carry, batch)
        loss.backward()
        model.zero_grad(set_to_none=True)
        if i >= a.warmup:
            cpu.append(time.process_time() - c0)
            wall.append(time.time() - t0)
    cpu_s, wall_s = sum(cpu) / len(cpu), sum(wall) / len(wall)
    flops = train_flops_per_example_step(cfg)
    return {"mode": mode, "cpu_s_per_step": round(cpu_s, 3), "example_steps_per_cpu_s": round(B / cpu_s, 2),
            "gflop_per_cpu_s": round(B * flops / cpu_s / 1e9, 1), "wall_s_per_step": round(wall_s, 3)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hidden-size", type=int, default=128)
    ap.add_argument("--H-cycles", type=int, default=2)
    ap.add_argument("--L-cycles", type=int, default=4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--modes", default="f32,bf16,f32+autocast")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    results = [bench(m, a) for m in a.modes.split(",")]
    for r in results:
        print(json.dumps(r), flush=True)
    return results


if __name__ == "__main__":
    main()
