"""Maze generator in the Maze-Hard style (docs/spec.md §3.2, §4.2): 30×30 by default, smaller squares on request.

A random spanning-tree maze on a lattice of cells two apart (random parity), plus a fraction of extra
openings that create loops; S and G are placed so that the shortest S→G path is unique and longer than
`min_path` steps. Labels are the input with the path cells between S and G marked `o`.
"""
from __future__ import annotations

from collections import deque

import numpy as np

CHARSET = "# SGo"  # token id = index + 1: '#'=1, ' '=2, 'S'=3, 'G'=4, 'o'=5 (0 = PAD)
WALL, OPEN, START, GOAL, PATH = 1, 2, 3, 4, 5
SIZE = 30
STEPS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def carve(rng: np.random.Generator, size: int = SIZE, loop_fraction: float = 0.08) -> np.ndarray:
    """Grid of WALL/OPEN: iterative randomised depth-first spanning tree, then random extra openings."""
    g = np.full((size, size), WALL, np.uint8)
    off_r, off_c = rng.integers(0, 2, size=2)
    rows = np.arange(off_r, size, 2)
    cols = np.arange(off_c, size, 2)
    nr, nc = len(rows), len(cols)
    seen = np.zeros((nr, nc), bool)
    r0, c0 = rng.integers(nr), rng.integers(nc)
    stack = [(r0, c0)]
    seen[r0, c0] = True
    g[rows[r0], cols[c0]] = OPEN
    while stack:
        r, c = stack[-1]
        nbrs = [(r + dr, c + dc) for dr, dc in STEPS if 0 <= r + dr < nr and 0 <= c + dc < nc and not seen[r + dr, c + dc]]
        if not nbrs:
            stack.pop()
            continue
        nr_, nc_ = nbrs[rng.integers(len(nbrs))]
        seen[nr_, nc_] = True
        g[rows[nr_], cols[nc_]] = OPEN
        g[(rows[r] + rows[nr_]) // 2, (cols[c] + cols[nc_]) // 2] = OPEN
        stack.append((nr_, nc_))
    # Walls that separate two open lattice cells: opening some of them makes loops.
    walls = [(r, c) for r in range(size) for c in range(size) if g[r, c] == WALL and (
        (0 < r < size - 1 and g[r - 1, c] == OPEN and g[r + 1, c] == OPEN) or
        (0 < c < size - 1 and g[r, c - 1] == OPEN and g[r, c + 1] == OPEN))]
    k = int(loop_fraction * len(walls))
    for idx in rng.choice(len(walls), size=k, replace=False) if k else []:
        g[walls[idx]] = OPEN
    return g


def bfs(g: np.ndarray, start: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Distances from `start` over non-wall cells (-1 = unreachable) and the number of shortest paths (capped at 2)."""
    n = g.shape[0]
    dist = np.full(g.shape, -1, np.int64)
    ways = np.zeros(g.shape, np.int64)
    dist[start] = 0
    ways[start] = 1
    q = deque([start])
    while q:
        r, c = q.popleft()
        for dr, dc in STEPS:
            rr, cc = r + dr, c + dc
            if 0 <= rr < n and 0 <= cc < n and g[rr, cc] != WALL:
                if dist[rr, cc] < 0:
                    dist[rr, cc] = dist[r, c] + 1
                    ways[rr, cc] = ways[r, c]
                    q.append((rr, cc))
                elif dist[rr, cc] == dist[r, c] + 1:
                    ways[rr, cc] = min(2, ways[rr, cc] + ways[r, c])
    return dist, ways


def shortest_path(g: np.ndarray, start, goal) -> list[tuple[int, int]]:
    """One shortest path start→goal (cells, both ends included); [] if unreachable."""
    dist, _ = bfs(g, goal)
    if dist[start] < 0:
        return []
    path = [tuple(start)]
    r, c = start
    while (r, c) != tuple(goal):
        for dr, dc in STEPS:
            rr, cc = r + dr, c + dc
            if 0 <= rr < g.shape[0] and 0 <= cc < g.shape[1] and dist[rr, cc] == dist[r, c] - 1:
                r, c = rr, cc
                break
        path.append((r, c))
    return path


def make_maze(rng: np.random.Generator, min_path: int = 110, loop_fraction: float = 0.08,
              tries: int = 200, size: int = SIZE) -> tuple[np.ndarray, np.ndarray]:
    """(input, label) token grids [size, size] with a unique shortest S→G path of more than `min_path` steps."""
    for _ in range(tries):
        g = carve(rng, size=size, loop_fraction=loop_fraction)
        open_cells = np.argwhere(g == OPEN)
        for _start_try in range(8):  # several starts per carved maze before carving a new one
            s = tuple(open_cells[rng.integers(len(open_cells))])
            dist, ways = bfs(g, s)
            ok = np.argwhere((dist > min_path) & (ways == 1))
            if len(ok):
                break
        if len(ok) == 0:
            continue
        goal = tuple(ok[rng.integers(len(ok))])
        inp = g.copy()
        inp[s], inp[goal] = START, GOAL
        lab = inp.copy()
        for cell in shortest_path(g, s, goal)[1:-1]:
            lab[cell] = PATH
        return inp, lab
    raise RuntimeError(f"no maze with a unique shortest path > {min_path} in {tries} tries: lower --min-path or --loops")


def to_text(grid: np.ndarray) -> str:
    return "\n".join("".join(CHARSET[v - 1] for v in row) for row in grid)
