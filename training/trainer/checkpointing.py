"""The trainer's own checkpoint (`<run>/ckpt.pt`): everything needed to continue the same run exactly —
weights, puzzle table, EMA, optimizer moments, ACT carry, sampler position and RNG states. Written to a
temporary file, then renamed, so a crash never leaves a half-written checkpoint."""
from __future__ import annotations

import os

import torch

from .settings import RunSettings

CKPT_NAME = "ckpt.pt"


class SettingsMismatch(RuntimeError):
    pass


def save_atomic(obj, path: str) -> None:
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def load_trainer_checkpoint(run_dir: str) -> dict | None:
    path = os.path.join(run_dir, CKPT_NAME)
    if not os.path.exists(path):
        return None
    return torch.load(path, map_location="cpu", weights_only=False)


# The cosine schedule's horizon may be lengthened on resume ("keep improving by resuming"): the lr steps back
# up to where the longer cosine stands and decays again. Shortening it, or any other change, is another run.
HORIZON_KEYS = ("budget_minutes", "budget_steps")


def check_settings(wanted: RunSettings, ckpt: dict, run_dir: str) -> list[str]:
    """Raises SettingsMismatch unless `wanted` continues the checkpoint's run; returns notes on a lengthened
    schedule horizon."""
    saved = RunSettings.from_dict(ckpt["settings"])
    a, b = wanted.to_dict(), saved.to_dict()
    extended = [k for k in HORIZON_KEYS if b.get(k, 0) and a[k] > b[k]]
    diffs = [d for d in wanted.differences(saved) if d.split(":")[0] not in extended]
    if diffs:
        raise SettingsMismatch(
            f"{run_dir}/{CKPT_NAME} was trained with different settings:\n  " + "\n  ".join(diffs) +
            f"\nResume with the checkpoint's settings (see {run_dir}/run.json), or start a new run with another "
            "--run-dir (or pass --fresh to overwrite this one); only --budget-minutes / --budget-steps may grow.")
    return [f"schedule horizon {k} lengthened from {b[k]:g} to {a[k]:g}" for k in extended]
