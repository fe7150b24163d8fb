"""The official ARC scoring (docs/spec.md §7.3): every augmented copy of a test input votes for its prediction mapped back
to the original task's frame and colours; distinct answers rank by (votes, mean sigmoid(q_halt)); pass@K asks
whether the true output is among the top K, averaged over a task's test inputs, then over tasks.

Also scores what the app shows: the prediction of the un-augmented puzzle (named "<task>") alone.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from data.arc_aug import crop, inverse_augment_grid, parse_name


def _key(grid: np.ndarray) -> bytes:
    return np.array(grid.shape, np.int64).tobytes() + np.ascontiguousarray(grid, np.uint8).tobytes()


def arc_vote(inputs: np.ndarray, labels: np.ndarray, preds: np.ndarray, q_halt_logits: np.ndarray,
             names: list[str], ks: tuple[int, ...] = (1, 2)) -> dict:
    """Rows of the test split: tokens [N, canvas²], the final step's predictions and q_halt logits, and the
    identifier name of each row. Returns pass@K over tasks, the app's single-pass score over the same test
    inputs, and per task (original name) both."""
    canvas = int(round(np.sqrt(inputs.shape[1])))
    votes: dict[tuple[str, bytes], dict[bytes, list[float]]] = defaultdict(lambda: defaultdict(list))
    truth: dict[tuple[str, bytes], bytes] = {}
    single: dict[tuple[str, bytes], bool] = {}
    q = 1.0 / (1.0 + np.exp(-q_halt_logits.astype(np.float64)))
    for row, name in enumerate(names):
        task = parse_name(name)[0]
        pair = (task, _key(inverse_augment_grid(crop(inputs[row], canvas), name)))
        pred = _key(inverse_augment_grid(crop(preds[row], canvas), name))
        truth[pair] = _key(inverse_augment_grid(crop(labels[row], canvas), name))
        votes[pair][pred].append(float(q[row]))
        if name == task:
            single[pair] = pred == truth[pair]
    per_task: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for pair, ballots in votes.items():
        ranked = sorted(ballots, key=lambda p: (len(ballots[p]), float(np.mean(ballots[p]))), reverse=True)
        for k in ks:
            per_task[pair[0]][f"pass@{k}"].append(float(truth[pair] in ranked[:k]))
        per_task[pair[0]]["votes"].append(len(ballots[ranked[0]]) / sum(len(v) for v in ballots.values()))
        if pair in single:
            per_task[pair[0]]["original"].append(float(single[pair]))
    tasks = {t: {m: float(np.mean(v)) for m, v in scores.items()} for t, scores in sorted(per_task.items())}
    out = {f"pass@{k}": float(np.mean([s[f"pass@{k}"] for s in tasks.values()])) for k in ks}
    with_original = [s["original"] for s in tasks.values() if "original" in s]
    out["original_exact"] = float(np.mean(with_original)) if with_original else None
    out["tasks"] = len(tasks)
    out["per_task"] = tasks
    return out
