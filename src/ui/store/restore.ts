// Checks what comes back from localStorage (or a shared URL) before it reaches the editors.
import { ARC_MAX, MAZE_SIZE, type ArcGrid, type ArcPuzzle, type MazeText, type SudokuCells } from './puzzles';

export interface StoredPuzzles {
  sudoku?: unknown;
  maze?: unknown;
  arc?: unknown;
}

export function validSudoku(v: unknown): SudokuCells | null {
  return Array.isArray(v) && v.length === 81 && v.every((d) => Number.isInteger(d) && d >= 0 && d <= 9) ? (v as number[]) : null;
}

export function validMaze(v: unknown): MazeText | null {
  return typeof v === 'string' && v.length === MAZE_SIZE * MAZE_SIZE && /^[# SG]*$/.test(v) ? v : null;
}

export function validArcGrid(v: unknown): ArcGrid | null {
  if (!Array.isArray(v) || v.length < 1 || v.length > ARC_MAX) return null;
  const w = Array.isArray(v[0]) ? v[0].length : 0;
  if (w < 1 || w > ARC_MAX) return null;
  for (const row of v) {
    if (!Array.isArray(row) || row.length !== w) return null;
    if (!row.every((c) => Number.isInteger(c) && c >= 0 && c <= 9)) return null;
  }
  return v as ArcGrid;
}

/** Public ARC tasks have at most 10 demonstration pairs and 4 test inputs; far more is not a task to draw. */
export const MAX_ARC_TRAIN_PAIRS = 32;
export const MAX_ARC_TEST_PAIRS = 8;

export function validArc(v: unknown): ArcPuzzle | null {
  if (!v || typeof v !== 'object') return null;
  const p = v as ArcPuzzle;
  if (typeof p.name !== 'string' || p.name.length > 200 || !Array.isArray(p.train) || !Array.isArray(p.test) || !p.test.length) return null;
  if (p.train.length > MAX_ARC_TRAIN_PAIRS || p.test.length > MAX_ARC_TEST_PAIRS) return null;
  if (!p.train.every((t) => validArcGrid(t?.input) && validArcGrid(t?.output))) return null;
  if (!p.test.every((t) => validArcGrid(t?.input) && (t.output === undefined || validArcGrid(t.output)))) return null;
  return { name: p.name, source: typeof p.source === 'string' ? p.source : 'drawn', train: p.train, test: p.test };
}

export function restorePuzzles(p: StoredPuzzles | undefined) {
  const ok = !!p && typeof p === 'object';
  return {
    sudoku: ok ? validSudoku(p.sudoku) : null,
    maze: ok ? validMaze(p.maze) : null,
    arc: ok ? validArc(p.arc) : null,
  };
}
