"""Sudoku generator, solver, augmentations and dataset writer."""
from __future__ import annotations

import random

import numpy as np
import pytest

from data.official_format import load_identifiers, load_split
from data.sudoku_aug import apply_transform, decode, encode, parse_grid, pattern_invariant, random_transform, relabel_canonical
from data.sudoku_gen import make_puzzle
from data.sudoku_solver import count_solutions, is_valid_solution, solve


@pytest.fixture(scope="module")
def puzzles():
    rng = random.Random(7)
    return [make_puzzle(rng, t) for t in (17, 22, 26, 30, 36, 45, 50)]


def _consistent(puzzle, solution):
    return all(p == 0 or p == s for p, s in zip(puzzle, solution))


def test_generated_puzzles_are_valid_and_unique(puzzles):
    for p in puzzles:
        assert is_valid_solution(p.solution)
        assert _consistent(p.puzzle, p.solution)
        assert count_solutions(p.puzzle, limit=2) == 1
        assert solve(p.puzzle).solution == p.solution
        assert p.givens == sum(v != 0 for v in p.puzzle)


def test_target_givens_reached_when_possible(puzzles):
    by_target = dict(zip((17, 22, 26, 30, 36, 45, 50), puzzles))
    assert by_target[45].givens == 45 and by_target[50].givens == 50 and by_target[36].givens == 36
    # target 17 gives a minimal puzzle: removing any given makes it ambiguous
    p = by_target[17]
    for cell in [i for i, v in enumerate(p.puzzle) if v][:10]:
        q = list(p.puzzle)
        q[cell] = 0
        assert count_solutions(q, limit=2) == 2


def test_solver_detects_multiple_and_no_solutions(puzzles):
    assert count_solutions([0] * 81, limit=2) == 2
    bad = list(puzzles[-1].puzzle)
    first_given = next(i for i, v in enumerate(bad) if v)
    row_peer = (first_given // 9) * 9 + (first_given % 9 + 1) % 9
    bad[row_peer] = bad[first_given]  # duplicate digit in a row
    assert count_solutions(bad, limit=2) == 0


def test_rating_grows_with_fewer_givens(puzzles):
    assert puzzles[-1].rating == 0  # 50 givens: naked singles suffice
    assert max(p.rating for p in puzzles[:2]) >= 1


def test_augmentations_preserve_validity_and_labels(puzzles):
    rng = np.random.default_rng(0)
    for p in puzzles:
        puz, sol = np.array(p.puzzle), np.array(p.solution)
        for _ in range(5):
            t = random_transform(rng)
            ap, asol = apply_transform(puz, t), apply_transform(sol, t)
            assert is_valid_solution(asol.tolist())
            assert _consistent(ap.tolist(), asol.tolist())
            assert (ap != 0).sum() == (puz != 0).sum()
            assert solve(ap.tolist()).solution == asol.tolist()  # still unique, label = its solution
            assert pattern_invariant(ap) == pattern_invariant(puz)


def test_relabel_canonical_ignores_digit_names(puzzles):
    sol = np.array(puzzles[0].solution)
    perm = np.concatenate([[0], np.random.default_rng(1).permutation(9) + 1])
    assert relabel_canonical(perm[sol]) == relabel_canonical(sol)
    assert relabel_canonical(sol) != relabel_canonical(np.array(puzzles[1].solution))


def test_encoding_round_trip():
    g = parse_grid("." * 40 + "123456789" + "." * 32)
    tokens = encode(g)
    assert tokens[0] == 1 and tokens[40] == 2 and tokens[48] == 10
    assert (decode(tokens) == g).all()


def test_build_writes_official_format(tmp_path):
    from data.build_sudoku import build

    info = build(str(tmp_path), train_puzzles=12, aug=2, heldout=3, min_givens=30, max_givens=40, seed=3, workers=1)
    meta, arr = load_split(str(tmp_path), "train")
    assert meta["seq_len"] == 81 and meta["vocab_size"] == 11 and meta["num_puzzle_identifiers"] == 1
    kept = info["train_puzzles_kept"]
    assert meta["total_groups"] == kept and meta["total_puzzles"] == 3 * kept
    assert arr["inputs"].shape == (3 * kept, 81) and arr["inputs"].dtype == np.uint8
    assert (arr["group_indices"] == np.arange(0, 3 * kept + 1, 3)).all()
    assert (arr["puzzle_indices"] == np.arange(3 * kept + 1)).all()
    assert (arr["puzzle_identifiers"] == 0).all()
    assert arr["inputs"].min() >= 1 and arr["labels"].min() >= 2
    for inp, lab in zip(arr["inputs"], arr["labels"]):
        sol = decode(lab)
        assert is_valid_solution(sol.tolist())
        given = inp > 1
        assert (inp[given] == lab[given]).all()
    test_meta, test_arr = load_split(str(tmp_path), "test")
    assert test_meta["total_puzzles"] == 9
    assert load_identifiers(str(tmp_path)) == ["<blank>"]
    for name in ("easy", "medium", "hard"):
        assert (tmp_path / f"heldout_{name}.csv").exists()


def test_hardest_keeps_the_highest_rated_of_its_pool():
    from data.build_sudoku import hardest
    from data.sudoku_gen import generate

    pool = generate(24, 17, 17, seed=5, workers=1)
    kept = hardest(6, 24, seed=5, workers=1)
    kept_ids = {tuple(p.puzzle) for p in kept}
    rest = [p.rating for p in pool if tuple(p.puzzle) not in kept_ids]
    assert len(kept) == 6 and len(rest) == 18
    assert min(p.rating for p in kept) >= max(rest)


def test_hard_training_puzzles_are_appended_and_extreme_split_written(tmp_path):
    from data.build_sudoku import build

    args = dict(train_puzzles=6, aug=1, heldout=2, min_givens=30, max_givens=40, seed=4, workers=1)
    plain = build(str(tmp_path / "plain"), **args)
    hard = build(str(tmp_path / "hard"), **args, hard_train=3, hard_pool=9, extreme_heldout=2)
    _, a = load_split(str(tmp_path / "plain"), "train")
    _, b = load_split(str(tmp_path / "hard"), "train")
    n = 2 * plain["train_puzzles_kept"]
    assert hard["train_puzzles_kept"] == plain["train_puzzles_kept"] + 3
    assert (b["inputs"][:n] == a["inputs"][:n]).all() and len(b["inputs"]) == n + 2 * 3
    assert ((b["inputs"][n:] > 1).sum(axis=1) <= 30).all()  # minimal puzzles: few givens
    assert (tmp_path / "hard" / "heldout_extreme.csv").exists()
    assert hard["heldout"]["extreme"]["n"] == 2
    assert not (tmp_path / "plain" / "heldout_extreme.csv").exists()
