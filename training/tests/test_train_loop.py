"""Trainer: optimizer maths, sampling, a short CPU run lowers the loss, checkpoints resume the same run."""
from __future__ import annotations

import csv
import math
import shutil

import numpy as np
import pytest
import torch

from trainer.checkpointing import SettingsMismatch
from trainer.loop import Steering, Trainer
from trainer.optim import AdamATan2, lr_at
from trainer.sampler import TrainSampler
from trainer.settings import RunSettings

TINY = dict(task="sudoku", hidden_size=32, num_heads=2, H_cycles=1, L_cycles=1, halt_max_steps=4,
            forward_dtype="float32", global_batch=16, lr=3e-3, lr_warmup_steps=2, weight_decay=0.0,
            puzzle_emb_lr=1e-3, ema_rate=0.9, expansion=2)


@pytest.fixture(scope="module")
def sudoku_data(tmp_path_factory):
    from data.build_sudoku import build

    root = tmp_path_factory.mktemp("sudoku")
    build(str(root), train_puzzles=24, aug=3, heldout=4, min_givens=34, max_givens=44, seed=5, workers=1,
          exclude_benchmarks=False)
    return str(root)


def _losses(run_dir):
    with open(f"{run_dir}/metrics.csv") as f:
        return {int(r["step"]): float(r["loss"]) for r in csv.DictReader(f)}


def _train(data, run_dir, max_steps, **overrides):
    s = RunSettings(data=data, **{**TINY, **overrides})
    t = Trainer(s, Steering(run_dir=run_dir, max_steps=max_steps, log_every=1, ckpt_every_s=1e9, quiet=True))
    t.run()
    return t


def test_adam_atan2_matches_formula():
    torch.manual_seed(0)
    p = torch.nn.Parameter(torch.randn(5))
    ref = p.detach().clone()
    opt = AdamATan2([p], lr=0.01, betas=(0.9, 0.95), weight_decay=0.5)
    m = torch.zeros(5)
    v = torch.zeros(5)
    for t in range(1, 4):
        g = torch.randn(5)
        p.grad = g.clone()
        opt.step()
        ref = ref * (1 - 0.01 * 0.5)
        m = 0.9 * m + 0.1 * g
        v = 0.95 * v + 0.05 * g * g
        ref = ref - 0.01 / (1 - 0.9 ** t) * torch.atan2(m, v.sqrt() / math.sqrt(1 - 0.95 ** t))
        torch.testing.assert_close(p.detach(), ref, rtol=1e-6, atol=1e-6)


def test_lr_schedule_warmup_and_cosine():
    assert lr_at(0, 1.0, 10, 100, 1.0) == 0
    assert lr_at(5, 1.0, 10, 100, 1.0) == 0.5
    assert lr_at(50, 1.0, 10, 100, 1.0) == 1.0  # min ratio 1: constant (official)
    assert lr_at(100, 1.0, 10, 100, 0.1) == pytest.approx(0.1)
    assert lr_at(55, 1.0, 10, 100, 0.0) == pytest.approx(0.5)


def test_sampler_takes_one_puzzle_per_group_per_epoch(sudoku_data):
    s = TrainSampler(sudoku_data, global_batch=4, seed=0)
    groups_seen = []
    start_epoch = s.epoch
    while s.epoch == start_epoch:
        ex, pz = s._global_indices()
        if s.epoch != start_epoch:
            break
        groups_seen += list(np.searchsorted(s.group_indices, pz, side="right") - 1)
    assert len(groups_seen) == len(set(groups_seen))  # no group twice in an epoch
    assert len(groups_seen) == (s.n_groups // 4) * 4  # the incomplete last batch is dropped


def test_short_run_lowers_loss(sudoku_data, tmp_path):
    _train(sudoku_data, str(tmp_path / "run"), max_steps=40)
    losses = _losses(tmp_path / "run")
    first = np.mean([losses[k] for k in range(1, 6)])
    last = np.mean([losses[k] for k in range(36, 41)])
    assert last < 0.8 * first, (first, last)
    assert (tmp_path / "run" / "curves.png").exists()


def test_resume_continues_the_same_run(sudoku_data, tmp_path):
    straight = str(tmp_path / "straight")
    _train(sudoku_data, straight, max_steps=8)
    resumed = str(tmp_path / "resumed")
    _train(sudoku_data, resumed, max_steps=5)
    t = _train(sudoku_data, resumed, max_steps=8)  # same command again: resumes at step 5
    assert t.step == 8
    a, b = _losses(straight), _losses(resumed)
    assert sorted(b) == list(range(1, 9))
    for k in range(6, 9):
        assert b[k] == pytest.approx(a[k], rel=1e-6, abs=1e-7), (k, a[k], b[k])
    # checkpoints round-trip: the final weights agree too
    sa = torch.load(f"{straight}/ckpt.pt", weights_only=False)["model"]
    sb = torch.load(f"{resumed}/ckpt.pt", weights_only=False)["model"]
    for k in sa:
        torch.testing.assert_close(sa[k], sb[k], rtol=1e-6, atol=1e-7)


def test_resume_with_other_settings_is_an_error(sudoku_data, tmp_path):
    run = str(tmp_path / "run")
    _train(sudoku_data, run, max_steps=2)
    with pytest.raises(SettingsMismatch, match="hidden_size"):
        _train(sudoku_data, run, max_steps=3, hidden_size=64)


def test_resume_may_lengthen_the_schedule_only(sudoku_data, tmp_path):
    run = str(tmp_path / "run")
    cosine = dict(lr_min_ratio=0.1, budget_steps=4)
    _train(sudoku_data, run, max_steps=4, **cosine)
    with pytest.raises(SettingsMismatch, match="budget_steps"):
        _train(sudoku_data, run, max_steps=5, **{**cosine, "budget_steps": 3})
    t = _train(sudoku_data, run, max_steps=6, **{**cosine, "budget_steps": 8})
    assert t.step == 6
    assert t.lr_factor() == pytest.approx(lr_at(6, 1.0, 2, 8, 0.1))  # where the longer cosine stands
    saved = torch.load(f"{run}/ckpt.pt", weights_only=False)["settings"]
    assert saved["budget_steps"] == 8  # the next resume continues the lengthened schedule


def test_fresh_overwrites(sudoku_data, tmp_path):
    run = str(tmp_path / "run")
    _train(sudoku_data, run, max_steps=2)
    s = RunSettings(data=sudoku_data, **{**TINY, "hidden_size": 64})
    t = Trainer(s, Steering(run_dir=run, max_steps=1, log_every=1, ckpt_every_s=1e9, quiet=True, fresh=True))
    assert t.step == 0
    shutil.rmtree(run)


def test_batch_larger_than_an_epoch_is_a_clear_error(sudoku_data):
    s = TrainSampler(sudoku_data, global_batch=10_000, seed=0)
    with pytest.raises(ValueError, match="lower --global-batch"):
        s.next_batch("cpu")


def test_sigterm_saves_the_checkpoint_and_stops(sudoku_data, tmp_path):
    """Ctrl-C / SIGTERM: the step in progress finishes, the checkpoint is written, the process exits cleanly.
    Before that, a 3 s pause (SIGSTOP .. SIGCONT) must stay out of the trained time."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import REPO

    run = tmp_path / "run"
    cmd = [sys.executable, str(REPO / "training" / "train.py"), "--data", sudoku_data, "--run-dir", str(run),
           "--task", "sudoku", "--hidden-size", "32", "--num-heads", "2", "--H-cycles", "1", "--L-cycles", "1",
           "--expansion", "2", "--global-batch", "16", "--max-steps", "100000", "--threads", "1", "--log-every", "1",
           "--ckpt-every-s", "1e9", "--print-every-s", "1e9", "--compile", "false"]  # no final eval on a signal
    proc = subprocess.Popen(cmd, env={**os.environ, "OMP_NUM_THREADS": "1"}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    metrics = run / "metrics.csv"
    deadline = time.time() + 300
    def wait_rows(n):
        while (not metrics.exists() or len(metrics.read_text().splitlines()) < n) and time.time() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.2)
        return len(metrics.read_text().splitlines())

    before = wait_rows(4)
    proc.send_signal(signal.SIGSTOP)
    time.sleep(3)
    proc.send_signal(signal.SIGCONT)
    wait_rows(before + 3)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    assert "stopping on SIGTERM" in out
    logged = len(metrics.read_text().splitlines()) - 1
    saved = torch.load(run / "ckpt.pt", weights_only=False)
    assert saved["step"] >= 3 and saved["step"] == logged  # every logged step is in the checkpoint
    with open(metrics) as f:
        elapsed = [float(r["elapsed_s"]) for r in csv.DictReader(f)]
    assert max(b - a for a, b in zip(elapsed, elapsed[1:])) < 1.5, elapsed  # the pause is not trained time
    assert "pauses" in out
