"""CSV logs and the loss/accuracy curves PNG of a run."""
from __future__ import annotations

import csv
import os

TRAIN_FIELDS = ["step", "examples", "elapsed_s", "lr", "loss", "lm_loss", "q_halt_loss", "accuracy",
                "exact_accuracy", "q_halt_accuracy", "halt_steps", "example_steps_per_s", "gflops"]
EVAL_FIELDS = ["step", "elapsed_s", "weights", "n", "exact_accuracy", "token_accuracy", "mean_halting_step"]


class CsvLog:
    def __init__(self, path: str, fields: list[str]):
        self.path, self.fields = path, fields

    def truncate_after(self, step: int) -> None:
        """On resume, forget rows logged after the checkpoint (they will be produced again)."""
        if not os.path.exists(self.path):
            return
        with open(self.path, newline="") as f:
            rows = [r for r in csv.DictReader(f) if int(float(r["step"])) <= step]
        self._write(rows, "w")

    def append(self, row: dict) -> None:
        self._write([row], "a")

    def _write(self, rows, mode):
        new = mode == "w" or not os.path.exists(self.path)
        with open(self.path, mode, newline="") as f:
            w = csv.DictWriter(f, fieldnames=self.fields, extrasaction="ignore")
            if new:
                w.writeheader()
            w.writerows(rows)


def read_csv(path: str) -> list[dict]:
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def plot_run(run_dir: str) -> str | None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    train = read_csv(os.path.join(run_dir, "metrics.csv"))
    evals = read_csv(os.path.join(run_dir, "eval.csv"))
    if not train:
        return None
    minutes = [float(r["elapsed_s"]) / 60 for r in train]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    axes[0].plot(minutes, [float(r["loss"]) for r in train], label="loss / example")
    axes[0].plot(minutes, [float(r["lm_loss"]) for r in train], label="lm loss / example")
    axes[0].set_yscale("log"); axes[0].set_xlabel("minutes"); axes[0].legend(); axes[0].set_title("training loss")
    axes[1].plot(minutes, [float(r["accuracy"]) for r in train], label="token acc (halted rows)")
    axes[1].plot(minutes, [float(r["exact_accuracy"]) for r in train], label="exact acc (halted rows)")
    for which in ("raw", "ema"):
        pts = [(float(r["elapsed_s"]) / 60, float(r["exact_accuracy"])) for r in evals if r["weights"] == which]
        if pts:
            axes[1].plot(*zip(*pts), "o-", label=f"eval exact ({which})")
    axes[1].set_xlabel("minutes"); axes[1].set_ylim(0, 1); axes[1].legend(); axes[1].set_title("accuracy")
    axes[2].plot(minutes, [float(r["halt_steps"]) for r in train])
    axes[2].set_xlabel("minutes"); axes[2].set_title("mean ACT steps at halt (training)")
    fig.tight_layout()
    path = os.path.join(run_dir, "curves.png")
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path
