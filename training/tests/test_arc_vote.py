"""The official ARC voting (docs/spec.md §7.3): predictions mapped back to the original frame, ranked by votes then mean q."""
from __future__ import annotations

import numpy as np

from data.arc_aug import aug_name, augment_grid, to_canvas
from trainer.arc_vote import arc_vote

CANVAS = 6
FLIP = np.array([[1, 2, 3], [4, 5, 6]], np.uint8)  # task "flip": output = fliplr(input)


def _rows(task: str, inp: np.ndarray, out: np.ndarray, augs: list[tuple[int, np.ndarray]]):
    """One test row per copy: the original "<task>" and each (dihedral, colour map) augmentation."""
    names, xs, ys = [task], [], []
    names += [aug_name(task, tid, perm) for tid, perm in augs]
    for tid, perm in [(0, np.arange(10))] + augs:
        x, y = to_canvas(augment_grid(inp, tid, perm), augment_grid(out, tid, perm), CANVAS, (0, 0))
        xs.append(x)
        ys.append(y)
    return names, np.stack(xs), np.stack(ys)


def _wrong(label: np.ndarray) -> np.ndarray:
    p = label.copy()
    p[0] = 2 + (p[0] - 2 + 1) % 10  # another colour in the top-left cell: a different (wrong) grid
    return p


def test_votes_map_back_then_rank_by_count_then_mean_confidence():
    rng = np.random.default_rng(1)
    augs = [(t, np.concatenate([[0], rng.permutation(9) + 1])) for t in (1, 4, 6)]
    names, x, y = _rows("flip", FLIP, np.fliplr(FLIP), augs)
    # Original wrong; the three augmented copies right once mapped back: 3 votes against 1.
    r = arc_vote(x, y, np.stack([_wrong(y[0]), y[1], y[2], y[3]]), np.zeros(4), names)
    assert r["pass@1"] == 1.0 and r["original_exact"] == 0.0
    assert r["per_task"]["flip"]["votes"] == 0.75
    # The same wrong answer (in the original frame) from copies 0 and 2, the right one from 1 and 3: a tie of
    # 2 votes each, broken by the mean sigmoid(q_halt).
    bad = np.fliplr(FLIP).copy()
    bad[0, 0] = 9
    _, _, y_bad = _rows("flip", FLIP, bad, augs)
    preds = np.stack([y_bad[0], y[1], y_bad[2], y[3]])
    sure_wrong = arc_vote(x, y, preds, np.array([4.0, -4.0, 4.0, -4.0]), names)
    assert (sure_wrong["pass@1"], sure_wrong["pass@2"]) == (0.0, 1.0)
    sure_right = arc_vote(x, y, preds, np.array([-4.0, 4.0, -4.0, 4.0]), names)
    assert (sure_right["pass@1"], sure_right["pass@2"]) == (1.0, 1.0)
    # Unmapped, copy 2's grid would not equal copy 0's: only the inverse augmentation makes them one vote.
    assert not np.array_equal(y_bad[0], y_bad[2])


def test_pass_at_k_averages_over_test_inputs_then_tasks():
    names_a, xa, ya = _rows("a", FLIP, np.fliplr(FLIP), [])
    other = np.array([[7, 0], [0, 7]], np.uint8)
    names_b1, xb1, yb1 = _rows("b", FLIP, FLIP, [])
    names_b2, xb2, yb2 = _rows("b", other, other, [])
    x = np.concatenate([xa, xb1, xb2])
    y = np.concatenate([ya, yb1, yb2])
    preds = np.stack([ya[0], yb1[0], _wrong(yb2[0])])  # a: 1/1; b: 1 of its 2 test inputs
    r = arc_vote(x, y, preds, np.zeros(3), names_a + names_b1 + names_b2)
    assert r["tasks"] == 2
    assert r["per_task"]["a"]["pass@1"] == 1.0 and r["per_task"]["b"]["pass@1"] == 0.5
    assert r["pass@1"] == 0.75 and r["original_exact"] == 0.75
