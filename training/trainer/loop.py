"""The training loop (official `train_batch`, docs/spec.md §5.2): one optimizer step = one ACT step for the whole batch.

The ACT carry persists across optimizer steps; rows that halted take a fresh example from the incoming batch.
Loss = stablemax CE + 0.5·BCE(q_halt), backward(loss / global_batch); AdamATan2 (or AdamW) on the network,
SignSGD on the puzzle-embedding rows, shared warmup/cosine schedule, EMA after each step.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.distributed as dist

from data.official_format import load_split
from trm import ACTLossHead, TrmConfig

from trm.checkpoint import load_app, load_weights

from .checkpointing import CKPT_NAME, SettingsMismatch, check_settings, load_trainer_checkpoint, save_atomic
from .curves import EVAL_FIELDS, TRAIN_FIELDS, CsvLog, plot_run
from .ema import EMA
from .evaluation import evaluate_arrays, strided
from .model_io import compile_network
from .optim import lr_at, make_optimizer, sign_sgd_embedding_step
from .sampler import TrainSampler
from .settings import RunSettings, train_flops_per_example_step


@dataclass
class Steering:
    """Per-invocation knobs: they do not change what the run computes, only how long and how it reports."""
    run_dir: str
    minutes: float = 0.0  # stop after this much training time in this invocation (0 = no limit)
    max_steps: int = 0  # stop at this global step (0 = no limit)
    device: str = "cpu"
    threads: int = 0  # torch intra-op threads (0 = leave torch's default)
    compile: bool = False
    log_every: int = 20
    print_every_s: float = 10.0
    ckpt_every_s: float = 300.0
    eval_every_s: float = 0.0  # 0 = evaluate at the end only
    eval_n: int = 200
    eval_split: str = "test"
    fresh: bool = False
    quiet: bool = False
    init_from: str = ""  # a new run starts from these app weights (a resumed run ignores it)


def model_config(s: RunSettings, meta: dict) -> TrmConfig:
    return TrmConfig(task=s.task, hidden_size=s.hidden_size, num_heads=s.num_heads, L_layers=s.L_layers,
                     H_cycles=s.H_cycles, L_cycles=s.L_cycles, expansion=s.expansion, mlp_t=s.mlp_t,
                     pos_encodings=s.pos_encodings, puzzle_emb_len=s.puzzle_emb_len, halt_max_steps=s.halt_max_steps,
                     halt_exploration_prob=s.halt_exploration_prob, seq_len=meta["seq_len"],
                     vocab_size=meta["vocab_size"], num_puzzle_identifiers=meta["num_puzzle_identifiers"],
                     forward_dtype=s.forward_dtype)


def build_model(s: RunSettings, meta: dict, device) -> ACTLossHead:
    torch.manual_seed(s.seed)  # the official script seeds before building the model
    return ACTLossHead.from_config(model_config(s, meta), changed_weight=s.changed_weight).to(device)


class Trainer:
    def __init__(self, settings: RunSettings, steer: Steering):
        self.s, self.steer = settings, steer
        self.rank, self.world = _init_distributed(steer.device)
        self.device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if steer.device == "cuda" else steer.device)
        if steer.threads:
            torch.set_num_threads(steer.threads)
        os.makedirs(steer.run_dir, exist_ok=True)
        self.sampler = TrainSampler(settings.data, settings.global_batch, settings.seed, self.rank, self.world)
        self.meta = self.sampler.meta
        self.model = build_model(settings, self.meta, self.device)
        self.cfg = self.model.config
        self.opt = make_optimizer(settings.optimizer, self.model.parameters(), settings.lr, settings.weight_decay,
                                  (settings.beta1, settings.beta2))
        self.ema = EMA(self.model, settings.ema_rate) if settings.ema_rate > 0 else None
        self.flops_per_ex_step = train_flops_per_example_step(self.cfg)
        self.step, self.examples, self.elapsed = 0, 0, 0.0
        self.cpu_s = 0.0  # process CPU time spent training (all threads): robust to a shared machine's load
        self.carry = None
        self._resumed = threading.Event()  # set by SIGCONT: the process was paused
        torch.manual_seed(settings.seed + self.rank)
        self._resume_or_start()
        if steer.compile:
            compile_network(self.model)
        self.log = CsvLog(os.path.join(steer.run_dir, "metrics.csv"), TRAIN_FIELDS)
        self.eval_log = CsvLog(os.path.join(steer.run_dir, "eval.csv"), EVAL_FIELDS)
        if self.rank == 0 and self.step > 0:
            self.log.truncate_after(self.step)
            self.eval_log.truncate_after(self.step)

    # ---------------- checkpoints ----------------
    def _resume_or_start(self):
        ckpt = None if self.steer.fresh else load_trainer_checkpoint(self.steer.run_dir)
        if ckpt is None:
            origin = self._init_from(self.steer.init_from) if self.steer.init_from else None
            if self.rank == 0:
                for name in ("metrics.csv", "eval.csv"):
                    p = os.path.join(self.steer.run_dir, name)
                    if os.path.exists(p):
                        os.remove(p)
                doc = {"settings": self.s.to_dict(), "model_config": self.cfg.to_dict(), "invocations": []}
                if origin:
                    doc["init_from"] = origin
                _write_run_json(self.steer.run_dir, doc)
            self._record_invocation()
            return
        if self.steer.init_from:
            self._say(f"{self.steer.run_dir} has a checkpoint: resuming it (--init-from applies to a new run only)")
        horizon_notes = check_settings(self.s, ckpt, self.steer.run_dir)
        self.model.load_state_dict(ckpt["model"])
        self.opt.load_state_dict(ckpt["optimizer"])
        if self.ema is not None:
            self.ema.load_state_dict(ckpt["ema"])
        self.sampler.load_state_dict(ckpt["sampler"])
        self.step, self.examples, self.elapsed = ckpt["step"], ckpt["examples"], ckpt["elapsed_s"]
        self.cpu_s = ckpt.get("cpu_s", 0.0)
        torch.set_rng_state(ckpt["torch_rng"])
        if ckpt.get("carry") is not None and self.world == 1:
            self.carry = _carry_from_dict(ckpt["carry"], self.device)
        self._record_invocation()
        self._say(f"resumed {self.steer.run_dir} at step {self.step} ({self.elapsed / 60:.1f} min trained)")
        for note in horizon_notes:
            self._say(f"{note}: lr factor now {self.lr_factor():.3f}")

    def _init_from(self, path: str) -> dict:
        """Warm start: the weights of an app file (e.g. the shipped model, whose run checkpoint is gone) become
        this new run's weights and EMA shadow; optimizer moments, schedule and carry start afresh. Returns the
        lineage that the model card carries on (the source's commands, steps and minutes)."""
        tensors, cfg, meta = load_app(path)
        want, got = self.cfg.to_dict(), cfg.to_dict()
        diffs = [f"{k}: this run {want[k]!r}, {path} {got.get(k)!r}" for k in want
                 if k != "forward_dtype" and want[k] != got.get(k)]
        if diffs:
            raise SettingsMismatch(f"--init-from {path} has another model configuration:\n  " + "\n  ".join(diffs) +
                                   "\nGive the run the same model settings as that file (its card lists them).")
        load_weights(self.model, tensors)
        if self.ema is not None:
            self.ema = EMA(self.model, self.s.ema_rate)
        card = meta.get("card", {})
        beside = os.path.splitext(path)[0] + ".json"  # models/X.json: older app files embed no step count
        if card.get("trained_steps") is None and os.path.exists(beside):
            card = {**json.load(open(beside)), **card}
        self._say(f"new run initialised from {path} ({card.get('train_minutes', '?')} min trained before)")
        return {"path": path, "commands": card.get("commands", []), "train_minutes": card.get("train_minutes", 0),
                "trained_steps": card.get("trained_steps")}

    def _record_invocation(self):
        """run.json keeps every command that trained this run (the model card quotes them)."""
        if self.rank != 0:
            return
        path = os.path.join(self.steer.run_dir, "run.json")
        doc = json.load(open(path)) if os.path.exists(path) else {"settings": self.s.to_dict(), "invocations": []}
        doc.setdefault("invocations", []).append({
            "command": " ".join(["python"] + sys.argv),
            "start_step": self.step, "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "threads": torch.get_num_threads(), "device": self.steer.device, "compile": self.steer.compile})
        _write_run_json(self.steer.run_dir, doc)

    def save(self):
        if self.rank != 0:
            return
        state = {
            "settings": self.s.to_dict(), "model_config": self.cfg.to_dict(),
            "model": self.model.state_dict(), "optimizer": self.opt.state_dict(),
            "ema": self.ema.state_dict() if self.ema else None, "sampler": self.sampler.state_dict(),
            "step": self.step, "examples": self.examples, "elapsed_s": self.elapsed, "cpu_s": self.cpu_s,
            "torch_rng": torch.get_rng_state(), "carry": _carry_to_dict(self.carry),
        }
        save_atomic(state, os.path.join(self.steer.run_dir, CKPT_NAME))
        plot_run(self.steer.run_dir)

    # ---------------- one step ----------------
    def lr_factor(self) -> float:
        s = self.s
        if s.lr_min_ratio >= 1.0:
            return lr_at(self.step, 1.0, s.lr_warmup_steps, 1.0, 1.0)
        if s.budget_minutes > 0:  # cosine over the time budget, expressed as an equivalent step position
            frac = self.elapsed / (s.budget_minutes * 60)
            pos = s.lr_warmup_steps + frac * 1e6 if self.step >= s.lr_warmup_steps else self.step
            return lr_at(pos, 1.0, s.lr_warmup_steps, s.lr_warmup_steps + 1e6, s.lr_min_ratio)
        if s.budget_steps <= 0:
            raise ValueError("lr_min_ratio < 1 needs a schedule horizon: --budget-minutes or --budget-steps")
        return lr_at(self.step, 1.0, s.lr_warmup_steps, s.budget_steps, s.lr_min_ratio)

    def train_step(self) -> dict:
        s = self.s
        batch = self.sampler.next_batch(self.device)
        if self.carry is None:
            self.carry = self.model.initial_carry(batch)
        autocast = (torch.autocast(self.device.type, dtype=torch.bfloat16) if s.autocast_bf16
                    else contextlib.nullcontext())
        with autocast:
            self.carry, loss, metrics, _, _ = self.model(self.carry, batch)
        (loss / s.global_batch).backward()
        if self.world > 1:
            for p in self.model.parameters():
                if p.grad is not None:
                    dist.all_reduce(p.grad)
        factor = self.lr_factor()
        for g in self.opt.param_groups:
            g["lr"] = s.lr * factor
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)
        if self.cfg.puzzle_emb_ndim > 0:
            sign_sgd_embedding_step(self.model.model.puzzle_emb, s.puzzle_emb_lr * factor, s.puzzle_emb_weight_decay)
        if self.ema is not None:
            self.ema.update(self.model)
        self.step += 1
        self.examples += s.global_batch
        metrics = {k: float(v) for k, v in metrics.items()}
        metrics["loss"] = float(loss.detach())
        metrics["lr"] = s.lr * factor
        return metrics

    # ---------------- evaluation ----------------
    def eval_model(self, which: str = "raw", forward_dtype: str = "float32") -> ACTLossHead:
        """A copy for evaluation, float32 by default (exact same weights; bf16 matmuls are slow on CPUs
        without native bf16), with the EMA shadow loaded when `which` is "ema"."""
        state = self.model.state_dict()
        if which == "ema":
            state = {**state, **{k: v for k, v in self.ema.shadow.items()}}
        cfg = model_config(self.s, self.meta)
        cfg.forward_dtype = forward_dtype
        m = ACTLossHead.from_config(cfg).to(self.device)
        m.load_state_dict(state)
        m.eval()
        return m

    def evaluate(self, n: int | None = None) -> list[dict]:
        meta, arr = load_split(self.s.data, self.steer.eval_split)
        ex = strided(len(arr["inputs"]), n or self.steer.eval_n)  # evenly spread: test splits are sorted
        n = len(ex)
        pz = np.searchsorted(arr["puzzle_indices"], ex, side="right") - 1
        rows = []
        for which in ["raw"] + (["ema"] if self.ema else []):
            m = self.eval_model(which)
            r = evaluate_arrays(m, arr["inputs"][ex], arr["labels"][ex], arr["puzzle_identifiers"][pz],
                                batch_size=256, device=self.device, ignore_label_id=meta["ignore_label_id"])
            row = {"step": self.step, "elapsed_s": round(self.elapsed, 1), "weights": which, **r}
            rows.append(row)
            if self.rank == 0:
                self.eval_log.append(row)
            self._say(f"  eval[{which}] step {self.step}: exact {r['exact_accuracy']:.3f}  token {r['token_accuracy']:.3f}"
                      f"  halting step {r['mean_halting_step']:.1f}  (n={n})")
        return rows

    # ---------------- main loop ----------------
    def run(self) -> dict:
        """Trains until --minutes / --max-steps; Ctrl-C or SIGTERM (one process) stops after the current step
        and saves the checkpoint first. A pause (kill -STOP, then -CONT: e.g. to give a shared machine's cores
        to a benchmark) is left out of the trained time, so it neither advances the schedule nor uses --minutes."""
        stop: list[int] = []
        handlers = {}
        if self.world == 1 and threading.current_thread() is threading.main_thread():
            handlers = {sig: signal.signal(sig, lambda signum, _frame: stop.append(signum))
                        for sig in (signal.SIGINT, signal.SIGTERM)}
            handlers[signal.SIGCONT] = signal.signal(signal.SIGCONT, lambda *_: self._resumed.set())
        try:
            return self._run(stop)
        finally:
            for sig, old in handlers.items():
                signal.signal(sig, old)

    def _run(self, stop: list[int]) -> dict:
        st = self.steer
        self.model.train()
        t_start, c_start = time.time(), time.process_time()
        elapsed0, cpu0 = self.elapsed, self.cpu_s
        last_print = last_ckpt = last_eval = t_start
        acc = _Accumulator()
        window_t, window_steps = time.time(), 0
        rate = 0.0
        paused, step_s, t_iter = 0.0, 0.0, time.time()
        while True:
            if stop:
                self._say(f"stopping on {signal.Signals(stop[0]).name} at step {self.step}: saving the checkpoint")
                break
            session = time.time() - t_start - paused
            if st.minutes and session >= st.minutes * 60:
                break
            if st.max_steps and self.step >= st.max_steps:
                break
            m = self.train_step()
            now = time.time()
            if self._resumed.is_set():  # stopped during this iteration: count it as long as the one before
                self._resumed.clear()
                paused += max(0.0, now - t_iter - step_s)
            else:
                step_s = now - t_iter
            t_iter = now
            self.elapsed = elapsed0 + (now - t_start) - paused
            self.cpu_s = cpu0 + (time.process_time() - c_start)
            acc.add(m)
            window_steps += 1
            now = time.time()
            if self.step % st.log_every == 0:
                rate = window_steps * self.s.global_batch / max(1e-9, now - window_t)
                window_t, window_steps = now, 0
                row = acc.row(self.step, self.examples, self.elapsed, rate, self.flops_per_ex_step, self.world)
                if self.rank == 0:
                    self.log.append(row)
                acc = _Accumulator()
                if now - last_print >= st.print_every_s:
                    last_print = now
                    self._say(_progress(row, st, session, self.s.global_batch * self.world))
            if now - last_ckpt >= st.ckpt_every_s:
                self.save()
                last_ckpt = time.time()
            if st.eval_every_s and now - last_eval >= st.eval_every_s:
                self.evaluate()
                last_eval = time.time()
        if paused:
            self._say(f"left {paused / 60:.1f} min of pauses (SIGSTOP .. SIGCONT) out of the trained time")
        final = {"step": self.step, "elapsed_s": self.elapsed, "session_s": time.time() - t_start - paused,
                 "stopped_by_signal": bool(stop),
                 "example_steps_per_s": (self.step * self.s.global_batch) / max(1e-9, self.elapsed) if elapsed0 == 0 else rate}
        self.save()
        return final

    def _say(self, msg: str):
        if self.rank == 0 and not self.steer.quiet:
            print(msg, flush=True)


class _Accumulator:
    def __init__(self):
        self.sums, self.n = {}, 0

    def add(self, m: dict):
        self.n += 1
        for k, v in m.items():
            self.sums[k] = self.sums.get(k, 0.0) + v

    def row(self, step, examples, elapsed, rate, flops, world: int = 1) -> dict:
        """Averages over the window; losses per example of this rank's slice (metrics are rank 0's rows)."""
        s, count = self.sums, max(1.0, self.sums.get("count", 0.0))
        batch_rows = examples / max(1, step) / world
        return {
            "step": step, "examples": examples, "elapsed_s": round(elapsed, 2), "lr": s["lr"] / self.n,
            "loss": s["loss"] / self.n / batch_rows, "lm_loss": s["lm_loss"] / self.n / batch_rows,
            "q_halt_loss": s["q_halt_loss"] / self.n / batch_rows,
            "accuracy": s["accuracy"] / count, "exact_accuracy": s["exact_accuracy"] / count,
            "q_halt_accuracy": s["q_halt_accuracy"] / count, "halt_steps": s["steps"] / count,
            "example_steps_per_s": round(rate, 2), "gflops": round(rate * flops / 1e9, 1),
        }


def _progress(row, st: Steering, session: float, batch: int) -> str:
    eta = ""
    if st.minutes:
        eta = f" | {max(0.0, st.minutes - session / 60):.1f} min left"
    elif st.max_steps:
        eta = f" | {row['step']}/{st.max_steps}"
    return (f"step {row['step']:6d} | {row['elapsed_s'] / 60:6.1f} min | {row['example_steps_per_s']:7.1f} ex·steps/s"
            f" ({row['gflops']:.0f} GFLOP/s) | loss {row['loss']:.3f} | acc {row['accuracy']:.3f}"
            f" exact {row['exact_accuracy']:.3f} | halt@{row['halt_steps']:.1f}{eta}")


def _carry_to_dict(carry) -> dict | None:
    """The ACT carry as plain tensors on the CPU (a checkpoint must not need our classes to be unpickled)."""
    if carry is None:
        return None
    return {"z_H": carry.inner_carry.z_H.cpu(), "z_L": carry.inner_carry.z_L.cpu(), "steps": carry.steps.cpu(),
            "halted": carry.halted.cpu(), "current_data": {k: v.cpu() for k, v in carry.current_data.items()}}


def _carry_from_dict(d, device):
    from trm import ACTCarry, InnerCarry
    if not isinstance(d, dict):  # checkpoints written before the carry was stored as a dict
        d = {"z_H": d.inner_carry.z_H, "z_L": d.inner_carry.z_L, "steps": d.steps, "halted": d.halted,
             "current_data": d.current_data}
    return ACTCarry(InnerCarry(d["z_H"].to(device), d["z_L"].to(device)), d["steps"].to(device),
                    d["halted"].to(device), {k: v.to(device) for k, v in d["current_data"].items()})


def _write_run_json(run_dir: str, doc: dict) -> None:
    with open(os.path.join(run_dir, "run.json"), "w") as f:
        json.dump(doc, f, indent=1)


def _init_distributed(device: str) -> tuple[int, int]:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device == "cuda" else "gloo")
        if device == "cuda":
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)))
    return (dist.get_rank(), dist.get_world_size()) if world > 1 else (0, 1)
