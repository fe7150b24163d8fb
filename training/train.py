"""Train a TRM with the official recipe on an official-format dataset (CPU, one CUDA GPU, or torchrun DDP).

  .venv/bin/python training/train.py --data data/sudoku --task sudoku --run-dir runs/sudoku --minutes 30 \\
      --hidden-size 128 --H-cycles 2 --L-cycles 4 --forward-dtype float32 --threads 2
  torchrun --nproc_per_node 2 training/train.py --device cuda ...   # DDP

Running the same command again resumes from <run-dir>/ckpt.pt (settings must match; --fresh starts over).
--init-from models/X.safetensors starts a new run from a shipped model's weights (its checkpoint need not exist).
Writes <run-dir>/{ckpt.pt, run.json, metrics.csv, eval.csv, curves.png}.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch.distributed as dist

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from trainer.checkpointing import SettingsMismatch  # noqa: E402
from trm.checkpoint import CheckpointError  # noqa: E402
from trainer.loop import Steering, Trainer  # noqa: E402
from trainer.settings import RunSettings  # noqa: E402


def _bool(v: str) -> bool:
    if v.lower() in ("1", "true", "yes", "on"):
        return True
    if v.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true/false, got {v!r}")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    run = ap.add_argument_group("run definition (must match to resume)")
    defaults = RunSettings(data="", task="sudoku")
    run.add_argument("--data", required=True, help="dataset root in the official format")
    run.add_argument("--task", required=True, choices=["sudoku", "maze", "arc"])
    for name, typ in [("hidden_size", int), ("num_heads", int), ("L_layers", int), ("H_cycles", int),
                      ("L_cycles", int), ("expansion", float), ("mlp_t", _bool), ("pos_encodings", str),
                      ("puzzle_emb_len", int), ("halt_max_steps", int), ("halt_exploration_prob", float),
                      ("forward_dtype", str), ("autocast_bf16", _bool), ("global_batch", int), ("optimizer", str),
                      ("lr", float), ("lr_warmup_steps", int), ("lr_min_ratio", float), ("weight_decay", float),
                      ("beta1", float), ("beta2", float), ("puzzle_emb_lr", float),
                      ("puzzle_emb_weight_decay", float), ("ema_rate", float), ("changed_weight", float), ("seed", int),
                      ("budget_minutes", float), ("budget_steps", int)]:
        run.add_argument("--" + name.replace("_", "-"), dest=name, type=typ, default=getattr(defaults, name))
    run.add_argument("--ema-horizon", type=float, default=0,
                     help="EMA averaging horizon in steps; sets --ema-rate to 1 - 1/horizon")
    st = ap.add_argument_group("this invocation")
    st.add_argument("--run-dir", required=True)
    st.add_argument("--minutes", type=float, default=0.0, help="train this many minutes now (0 = no limit)")
    st.add_argument("--max-steps", type=int, default=0)
    st.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    st.add_argument("--threads", type=int, default=0)
    st.add_argument("--compile", type=_bool, default=False)
    st.add_argument("--log-every", type=int, default=20)
    st.add_argument("--print-every-s", type=float, default=10.0)
    st.add_argument("--ckpt-every-s", type=float, default=300.0)
    st.add_argument("--eval-every-s", type=float, default=0.0)
    st.add_argument("--eval-n", type=int, default=200)
    st.add_argument("--eval-split", default="test")
    st.add_argument("--no-final-eval", action="store_true")
    st.add_argument("--fresh", action="store_true", help="ignore and overwrite an existing checkpoint in --run-dir")
    st.add_argument("--init-from", default="",
                    help="start a new run from the weights of an app .safetensors file (same model settings); "
                         "ignored when --run-dir holds a checkpoint to resume")
    return ap


def settings_from_args(a) -> RunSettings:
    if a.ema_horizon:
        a.ema_rate = 1 - 1 / a.ema_horizon
    return RunSettings.from_dict(vars(a))


def main(argv=None) -> dict:
    a = parser().parse_args(argv)
    steer = Steering(run_dir=a.run_dir, minutes=a.minutes, max_steps=a.max_steps, device=a.device, threads=a.threads,
                     compile=a.compile, log_every=a.log_every, print_every_s=a.print_every_s,
                     ckpt_every_s=a.ckpt_every_s, eval_every_s=a.eval_every_s, eval_n=a.eval_n,
                     eval_split=a.eval_split, fresh=a.fresh, init_from=a.init_from)
    try:
        trainer = Trainer(settings_from_args(a), steer)
    except (SettingsMismatch, CheckpointError, FileNotFoundError) as e:
        sys.exit(f"error: {e}")
    result = trainer.run()
    if not a.no_final_eval and not result["stopped_by_signal"]:
        result["eval"] = trainer.evaluate()
    if trainer.rank == 0:
        brief = {**result, "eval": [{k: v for k, v in r.items() if k != "exact_accuracy_per_step"}
                                    for r in result.get("eval", [])]}
        print(json.dumps(brief, default=float))
    if dist.is_initialized():  # torchrun: leave together; exiting with a live gloo group can abort a rank
        dist.barrier()
        dist.destroy_process_group()
    return result


if __name__ == "__main__":
    main()
