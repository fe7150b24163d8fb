// Pure edits on ARC grids.
import { ARC_MAX, type ArcGrid } from '../store/puzzles';

export function setArcCell(g: ArcGrid, r: number, c: number, colour: number): ArcGrid {
  if (g[r]?.[c] === colour) return g;
  return g.map((row, i) => (i === r ? row.map((v, j) => (j === c ? colour : v)) : row));
}

/** Keeps the overlapping part, fills new cells with colour 0. Throws when a side is outside 1..30. */
export function resizeArcGrid(g: ArcGrid, rows: number, cols: number): ArcGrid {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || rows > ARC_MAX || cols > ARC_MAX)
    throw new Error(`ARC grids are 1 to ${ARC_MAX} cells on each side (asked for ${rows}×${cols}); the grid was kept as it is.`);
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => g[r]?.[c] ?? 0));
}

export function fillArcGrid(g: ArcGrid, colour: number): ArcGrid {
  return g.map((row) => row.map(() => colour));
}

/** Four-connected flood fill from (r, c) over cells of the same colour. */
export function floodArcGrid(g: ArcGrid, r: number, c: number, colour: number): ArcGrid {
  const from = g[r]?.[c];
  if (from === undefined || from === colour) return g;
  const out = g.map((row) => row.slice());
  const stack: [number, number][] = [[r, c]];
  while (stack.length) {
    const [y, x] = stack.pop()!;
    if (out[y]?.[x] !== from) continue;
    out[y][x] = colour;
    stack.push([y + 1, x], [y - 1, x], [y, x + 1], [y, x - 1]);
  }
  return out;
}

export function sameGrid(a: ArcGrid | undefined, b: ArcGrid | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((row, r) => row.length === b[r].length && row.every((v, c) => v === b[r][c]));
}
