"""Sudoku CSV reading/writing: the official columns `source,question,answer,rating` (Sudoku-Extreme) and
the benchmark files' `puzzle,solution` (datasets/benchmarks/sudoku)."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .sudoku_aug import grid_to_text, parse_grid

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCHMARK_DIR = REPO_ROOT / "datasets" / "benchmarks" / "sudoku"


def read_sudoku_csv(path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(puzzles [N,81] digits, solutions [N,81], source per row). Accepts either column layout."""
    puzzles, solutions, sources = [], [], []
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        cols = set(reader.fieldnames or [])
        if {"question", "answer"} <= cols:
            q, a = "question", "answer"
        elif {"puzzle", "solution"} <= cols:
            q, a = "puzzle", "solution"
        else:
            raise ValueError(f"{path}: expected columns question,answer (official) or puzzle,solution (benchmark), got {sorted(cols)}")
        for row in reader:
            puzzles.append(parse_grid(row[q]))
            solutions.append(parse_grid(row[a]))
            sources.append(row.get("source", Path(path).stem))
    return np.array(puzzles).reshape(-1, 81), np.array(solutions).reshape(-1, 81), sources


def write_sudoku_csv(path, puzzles, solutions, ratings, source: str):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "question", "answer", "rating"])
        for p, s, r in zip(puzzles, solutions, ratings):
            w.writerow([source, grid_to_text(p), grid_to_text(s), int(r)])


def benchmark_files() -> list[Path]:
    files = sorted(BENCHMARK_DIR.glob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no benchmark CSVs in {BENCHMARK_DIR} (datasets/benchmarks/sudoku in the repo)")
    return files
