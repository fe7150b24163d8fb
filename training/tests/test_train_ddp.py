"""torchrun DDP (gloo on CPU here; the same code takes NCCL on GPUs): two ranks that each carry half of the global
batch train exactly the run that one process makes with the whole batch."""
from __future__ import annotations

import os
import subprocess
import sys

import torch

from conftest import REPO
from trainer.loop import build_model
from trainer.sampler import TrainSampler
from trainer.settings import RunSettings

TRAIN = str(REPO / "training" / "train.py")
ARGS = ["--task", "sudoku", "--hidden-size", "32", "--num-heads", "2", "--H-cycles", "1", "--L-cycles", "1",
        "--expansion", "2", "--halt-max-steps", "4", "--global-batch", "8", "--lr", "3e-3", "--lr-warmup-steps", "2", "--puzzle-emb-lr", "1e-2",
        "--forward-dtype", "float32", "--ema-rate", "0.9", "--max-steps", "4", "--threads", "1", "--compile", "false",
        "--no-final-eval", "--print-every-s", "1e9", "--ckpt-every-s", "1e9",
        # exploration draws random halting steps per rank; without it the two runs see the same numbers
        "--halt-exploration-prob", "0"]


def _run(cmd: list[str]) -> None:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]


def test_two_ranks_train_the_same_run_as_one_process(tmp_path):
    from data.build_sudoku import build

    data = str(tmp_path / "data")
    build(data, train_puzzles=16, aug=2, heldout=2, min_givens=34, max_givens=44, seed=3, workers=1,
          exclude_benchmarks=False)
    one, two = str(tmp_path / "one"), str(tmp_path / "two")
    _run([sys.executable, TRAIN, "--data", data, "--run-dir", one, *ARGS])
    _run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", TRAIN,
          "--data", data, "--run-dir", two, *ARGS])
    a = torch.load(f"{one}/ckpt.pt", weights_only=False)
    b = torch.load(f"{two}/ckpt.pt", weights_only=False)
    assert a["step"] == b["step"] == 4
    model = build_model(RunSettings.from_dict(a["settings"]), TrainSampler(data, 8).meta, "cpu")
    start = model.state_dict()
    trained = [n for n, _ in model.named_parameters()] + [k for k in start if "puzzle_emb" in k]
    assert any("puzzle_emb" in k for k in trained)
    for k, w in a["model"].items():  # puzzle embeddings included: their sparse SignSGD gathers both ranks' rows
        torch.testing.assert_close(b["model"][k], w, rtol=1e-4, atol=1e-5, msg=k)
    for k in trained:  # ...and training moved every trained tensor far beyond that tolerance
        assert (a["model"][k].float() - start[k].float()).abs().max() > 1e-3, k
