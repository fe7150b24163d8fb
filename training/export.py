"""Export a trained TRM: the app's safetensors (+ model card), the official `step_N` file, and/or ONNX of one
supervision step.

  .venv/bin/python training/export.py --run runs/sudoku --weights ema \\
      --app models/sudoku.safetensors --card models/sudoku.json --accuracy runs/sudoku/eval_all.json \\
      --official runs/sudoku/official --onnx runs/sudoku/step.onnx

The card records the training commands (from <run>/run.json), wall time, hardware, data and the accuracy
JSON written by `evaluate.py --json`. ARC models carry the puzzle names from the dataset's identifiers.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from data.official_format import load_identifiers  # noqa: E402
from trainer.model_io import load_model  # noqa: E402
from export_onnx import export_step  # noqa: E402
from trm.checkpoint import save_app, save_official_with_config  # noqa: E402

DTYPES = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def portable_command(command: str) -> str:
    """A recorded command with this checkout's absolute paths made relative to the repository root (the
    comparison script launches train.py by absolute path), so that a card reads the same on any machine."""
    words = []
    for w in command.split(" "):
        if os.path.isabs(w) and (w == REPO_ROOT or w.startswith(REPO_ROOT + os.sep)):
            w = os.path.relpath(w, REPO_ROOT)
            w = "python" if w.startswith(".venv" + os.sep) and os.path.basename(w).startswith("python") else w
        words.append(w)
    return " ".join(words)


def cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def make_card(name: str, info: dict, cfg, run_dir: str | None, accuracy: dict | None, dtype: str, notes: str) -> dict:
    card = {"name": name, "task": cfg.task, "created": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "config": cfg.to_dict(), "weights": info.get("weights"), "storage_dtype": dtype,
            "parameters": None, "notes": notes}
    if run_dir:
        run = json.load(open(os.path.join(run_dir, "run.json")))
        settings = run["settings"]
        origin = run.get("init_from") or {}  # a run warm-started from an app file carries on that file's history
        before_steps = origin.get("trained_steps") or 0
        card.update({
            "commands": origin.get("commands", []) +
                        [portable_command(inv["command"]) for inv in run.get("invocations", [])],
            "trained_steps": (info.get("step") or 0) + before_steps if info.get("step") is not None else None,
            "train_minutes": round(info.get("trained_minutes", 0) + origin.get("train_minutes", 0), 1),
            "hardware": f"{cpu_name()}, {os.cpu_count()} cores shared with other work; "
                        f"threads per invocation: {[inv.get('threads') for inv in run.get('invocations', [])]}",
            "training": {k: settings[k] for k in ("global_batch", "optimizer", "lr", "lr_warmup_steps", "lr_min_ratio",
                                                  "weight_decay", "puzzle_emb_lr", "ema_rate", "forward_dtype", "seed")},
        })
        if settings.get("changed_weight", 1.0) != 1.0:  # a training choice the official loss does not make
            card["training"]["changed_weight"] = settings["changed_weight"]
        build = os.path.join(settings["data"], "build.json")
        if origin:
            card["initialised_from"] = {k: origin[k] for k in ("path", "trained_steps", "train_minutes")}
        card["trained_on"] = {"data": settings["data"], "build": json.load(open(build)) if os.path.exists(build) else None}
    if accuracy:
        card["accuracy"] = accuracy
    return card


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--run", help="training run directory (ckpt.pt + run.json), or one checkpoint file in it")
    src.add_argument("--model", help="an app .safetensors file (re-export / ONNX)")
    ap.add_argument("--weights", default="ema", choices=["raw", "ema"])
    ap.add_argument("--app", help="write the app safetensors here")
    ap.add_argument("--dtype", default="f32", choices=list(DTYPES), help="storage dtype of the app file")
    ap.add_argument("--card", help="write the model card JSON here")
    ap.add_argument("--name", default=None)
    ap.add_argument("--accuracy", help="JSON from evaluate.py --json (or a dict of them) to put in the card")
    ap.add_argument("--notes", default="")
    ap.add_argument("--official", help="folder for the official step_N file and its all_config.yaml")
    ap.add_argument("--onnx", help="write ONNX of one supervision step here")
    ap.add_argument("--manifest", help="add/replace this model's entry in a models/manifest.json")
    a = ap.parse_args(argv)
    if not (a.app or a.official or a.onnx):
        sys.exit("error: nothing to write: give --app, --official and/or --onnx")
    model, cfg, info = load_model(a.run or a.model, a.weights)
    if a.run and os.path.isfile(a.run):  # a specific checkpoint file of a run: run.json sits beside it
        a.run = os.path.dirname(os.path.abspath(a.run))
    written = []
    accuracy = json.load(open(a.accuracy)) if a.accuracy else None
    card = make_card(a.name or cfg.task, info, cfg, a.run, accuracy, a.dtype, a.notes)
    card["parameters"] = sum(p.numel() for p in model.parameters())
    if a.app:
        puzzle_names = None
        if cfg.task == "arc" and a.run:
            puzzle_names = load_identifiers(info["settings"]["data"])
        summary = {k: card[k] for k in ("name", "task", "created", "commands", "trained_steps", "train_minutes", "accuracy")
                   if k in card}
        save_app(a.app, model, cfg, puzzle_names=puzzle_names, card=summary, dtype=DTYPES[a.dtype])
        written.append(a.app)
    if a.card:
        with open(a.card, "w") as f:
            json.dump(card, f, indent=1)
        written.append(a.card)
    if a.official:
        settings = info.get("settings") if isinstance(info.get("settings"), dict) else None
        written.extend(str(p) for p in save_official_with_config(model, cfg, a.official, info.get("step") or 0, settings))
    if a.onnx:
        inner = getattr(model, "model", model).inner
        if inner.config.forward_dtype != "float32":
            sys.exit("error: ONNX export is float32 only: load the model with forward_dtype float32")
        export_step(inner.eval(), a.onnx)
        written.append(a.onnx)
    if a.manifest:
        if not (a.app and a.card):
            sys.exit("error: --manifest needs --app and --card")
        update_manifest(a.manifest, cfg.task, a.app, a.card)
        written.append(a.manifest)
    print("\n".join(f"wrote {p} ({os.path.getsize(p)} bytes)" for p in written))


def update_manifest(path: str, task: str, app: str, card: str) -> None:
    """manifest.json = [{"task", "weights", "card"}, ...] with file names relative to the manifest's folder."""
    entries = json.load(open(path)) if os.path.exists(path) else []
    folder = os.path.dirname(os.path.abspath(path))
    entry = {"task": task, "weights": os.path.relpath(os.path.abspath(app), folder),
             "card": os.path.relpath(os.path.abspath(card), folder)}
    entries = [e for e in entries if e.get("task") != task] + [entry]
    order = {"sudoku": 0, "maze": 1, "arc": 2}
    entries.sort(key=lambda e: order.get(e["task"], 9))
    with open(path, "w") as f:
        json.dump(entries, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
