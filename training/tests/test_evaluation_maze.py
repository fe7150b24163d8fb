"""Maze metrics of evaluate_arrays: path recall and precision per step, pooled over cells, beside exact accuracy."""
from __future__ import annotations

import numpy as np

from trainer.evaluation import _Tally


def test_path_recall_and_precision_per_step():
    # Two mazes of 6 cells; token 5 = path. Label paths: row 0 {1, 2}, row 1 {3}.
    labels = np.array([[1, 5, 5, 2, 3, 4], [1, 2, 2, 5, 3, 4]])
    t = _Tally(2, 2, path_token=5)
    scored = labels != 0
    step1 = np.array([[1, 5, 2, 2, 3, 4], [1, 2, 2, 2, 3, 4]])  # 1 of 3 path cells found, nothing wrong
    step2 = np.array([[1, 5, 5, 5, 3, 4], [1, 2, 2, 5, 3, 4]])  # all 3 found, 1 extra: precision 3/4
    t.add(0, 0, step1, labels, scored, np.zeros(2))
    t.add(0, 1, step2, labels, scored, np.zeros(2))
    r = t.result()
    assert r["path_recall_per_step"] == [1 / 3, 1.0]
    assert r["path_precision_per_step"] == [1.0, 0.75]
    assert r["exact_accuracy_per_step"] == [0.0, 0.5]


def test_no_path_metrics_without_a_path_token():
    t = _Tally(1, 1)
    t.add(0, 0, np.array([[1, 2]]), np.array([[1, 2]]), np.array([[True, True]]), np.zeros(1))
    assert "path_recall_per_step" not in t.result()
