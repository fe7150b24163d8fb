// Sudoku 9×9: text ⇄ grid ⇄ official tokens (docs/spec.md §3.1: blank → 1, digit d → d+1, row-major), the rules
// checker and a small exact solver.
import { TaskInputError } from './errors';

/** 81 values, row-major: 0 = blank, 1..9 = digit. */
export type SudokuGrid = number[];

export const SUDOKU_CELLS = 81;
const SUDOKU_VOCAB = 11; // PAD, blank, 1..9

const SEPARATORS = new Set(['|', '-', '+']);

/**
 * Reads 81 cells written with digits 1–9 and `.` or `0` for blanks, in any layout: whitespace and the
 * separators of pretty grids (`|`, `-`, `+`) are skipped. Throws a TaskInputError naming the first bad
 * character (line, column) or the wrong cell count.
 */
export function parseSudoku(text: string): SudokuGrid {
  const grid: SudokuGrid = [];
  let line = 1;
  let col = 0;
  for (const ch of text) {
    if (ch === '\n') {
      line++;
      col = 0;
      continue;
    }
    col++;
    if (/\s/.test(ch) || SEPARATORS.has(ch)) continue;
    if (ch === '.' || ch === '0') grid.push(0);
    else if (ch >= '1' && ch <= '9') grid.push(ch.charCodeAt(0) - 48);
    else
      throw new TaskInputError(
        `Sudoku: unexpected character ${JSON.stringify(ch)} at line ${line}, column ${col} (after ${grid.length} cells); ` +
          'use digits 1-9 and . or 0 for blanks',
      );
  }
  if (grid.length !== SUDOKU_CELLS) throw new TaskInputError(`Sudoku needs 81 cells, got ${grid.length}`);
  return grid;
}

/** Throws unless `grid` is 81 integers in 0..9. */
export function assertSudokuGrid(grid: readonly number[], what = 'Sudoku grid'): void {
  if (grid.length !== SUDOKU_CELLS) throw new TaskInputError(`${what} needs 81 cells, got ${grid.length}`);
  for (let i = 0; i < SUDOKU_CELLS; i++) {
    const v = grid[i];
    if (!Number.isInteger(v) || v < 0 || v > 9)
      throw new TaskInputError(`${what}: cell ${i} (row ${Math.floor(i / 9) + 1}, column ${(i % 9) + 1}) is ${v}; cells hold 0 (blank) or 1-9`);
  }
}

/** One line of 81 characters, `blank` for empty cells (the official CSV layout with the default `.`). */
export function formatSudoku(grid: readonly number[], blank = '.'): string {
  assertSudokuGrid(grid);
  return grid.map((v) => (v === 0 ? blank : String(v))).join('');
}

/** Nine lines with `|` between stacks and `------+-------+------` between bands; parseSudoku reads it back. */
export function formatSudokuPretty(grid: readonly number[], blank = '.'): string {
  assertSudokuGrid(grid);
  const lines: string[] = [];
  for (let r = 0; r < 9; r++) {
    if (r === 3 || r === 6) lines.push('------+-------+------');
    const cells = grid.slice(r * 9, r * 9 + 9).map((v) => (v === 0 ? blank : String(v)));
    lines.push(`${cells.slice(0, 3).join(' ')} | ${cells.slice(3, 6).join(' ')} | ${cells.slice(6).join(' ')}`);
  }
  return lines.join('\n');
}

/** Official input tokens: blank → 1, digit d → d+1 (the builder maps `.` to 0, then adds 1 to every cell). */
export function encodeSudoku(grid: readonly number[]): Int32Array {
  assertSudokuGrid(grid);
  return Int32Array.from(grid, (v) => v + 1);
}

/** Tokens → grid: id − 1, with PAD (0) and blank (1) both read as an empty cell. */
export function decodeSudoku(tokens: ArrayLike<number>): SudokuGrid {
  if (tokens.length !== SUDOKU_CELLS) throw new TaskInputError(`Sudoku needs 81 tokens, got ${tokens.length}`);
  const grid: SudokuGrid = new Array(SUDOKU_CELLS);
  for (let i = 0; i < SUDOKU_CELLS; i++) {
    const t = tokens[i];
    if (!Number.isInteger(t) || t < 0 || t >= SUDOKU_VOCAB)
      throw new TaskInputError(`Sudoku token ${i} is ${t}; Sudoku tokens are 0..10`);
    grid[i] = t === 0 ? 0 : t - 1;
  }
  return grid;
}

/** The 27 units (9 rows, 9 columns, 9 boxes) as lists of cell indices. */
export const SUDOKU_UNITS: readonly (readonly number[])[] = (() => {
  const units: number[][] = [];
  for (let i = 0; i < 9; i++) {
    units.push(Array.from({ length: 9 }, (_, j) => i * 9 + j)); // row i
    units.push(Array.from({ length: 9 }, (_, j) => j * 9 + i)); // column i
    const r0 = Math.floor(i / 3) * 3;
    const c0 = (i % 3) * 3;
    units.push(Array.from({ length: 9 }, (_, j) => (r0 + Math.floor(j / 3)) * 9 + c0 + (j % 3))); // box i
  }
  return units;
})();

/** Indices (ascending) of the filled cells that share a digit with another cell of their row, column or box. */
export function sudokuConflicts(grid: readonly number[]): number[] {
  assertSudokuGrid(grid);
  const bad = new Set<number>();
  for (const unit of SUDOKU_UNITS) {
    const seen = new Map<number, number[]>();
    for (const i of unit) {
      const v = grid[i];
      if (v === 0) continue;
      const cells = seen.get(v);
      if (cells) cells.push(i);
      else seen.set(v, [i]);
    }
    for (const cells of seen.values()) if (cells.length > 1) cells.forEach((i) => bad.add(i));
  }
  return [...bad].sort((a, b) => a - b);
}

export interface SudokuCheck {
  complete: boolean; // no blank cell in the answer
  conflicts: number[]; // cells of the answer that break a row, column or box rule
  keepsGivens: boolean; // every given digit of the puzzle is unchanged in the answer
  solved: boolean; // complete, conflict-free and keeps the givens
}

/** Checks an answer against the rules and the puzzle's givens (no reference solution needed). */
export function checkSudoku(puzzle: readonly number[], answer: readonly number[]): SudokuCheck {
  assertSudokuGrid(puzzle, 'Sudoku puzzle');
  assertSudokuGrid(answer, 'Sudoku answer');
  const complete = answer.every((v) => v !== 0);
  const conflicts = sudokuConflicts(answer);
  const keepsGivens = puzzle.every((v, i) => v === 0 || answer[i] === v);
  return { complete, conflicts, keepsGivens, solved: complete && conflicts.length === 0 && keepsGivens };
}

const ALL_DIGITS = 0x3fe; // bits 1..9

function popcount(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

interface SudokuSearch {
  solutions: SudokuGrid[];
  guesses: number; // branch points tried with more than one candidate: a rough difficulty measure
}

/** Depth-first search with bitmask candidates, always branching on the cell with the fewest candidates. */
function searchSudoku(grid: readonly number[], limit: number): SudokuSearch {
  assertSudokuGrid(grid);
  const result: SudokuSearch = { solutions: [], guesses: 0 };
  if (limit < 1 || sudokuConflicts(grid).length) return result; // a given clashes: no solution
  const cells = grid.slice();
  const rows = new Array<number>(9).fill(0);
  const cols = new Array<number>(9).fill(0);
  const boxes = new Array<number>(9).fill(0);
  const boxOf = (i: number) => Math.floor(Math.floor(i / 9) / 3) * 3 + Math.floor((i % 9) / 3);
  const place = (i: number, v: number, on: boolean) => {
    const bit = 1 << v;
    const r = Math.floor(i / 9);
    const c = i % 9;
    const b = boxOf(i);
    if (on) {
      rows[r] |= bit;
      cols[c] |= bit;
      boxes[b] |= bit;
    } else {
      rows[r] &= ~bit;
      cols[c] &= ~bit;
      boxes[b] &= ~bit;
    }
    cells[i] = on ? v : 0;
  };
  for (let i = 0; i < SUDOKU_CELLS; i++) if (cells[i]) place(i, cells[i], true);

  const recurse = (): boolean => {
    let best = -1;
    let bestMask = 0;
    let bestCount = 10;
    for (let i = 0; i < SUDOKU_CELLS; i++) {
      if (cells[i]) continue;
      const mask = ALL_DIGITS & ~(rows[Math.floor(i / 9)] | cols[i % 9] | boxes[boxOf(i)]);
      const count = popcount(mask);
      if (count < bestCount) {
        best = i;
        bestMask = mask;
        bestCount = count;
        if (count <= 1) break;
      }
    }
    if (best < 0) {
      result.solutions.push(cells.slice());
      return result.solutions.length >= limit;
    }
    if (bestCount > 1) result.guesses++;
    for (let v = 1; v <= 9; v++) {
      if (!(bestMask & (1 << v))) continue;
      place(best, v, true);
      const done = recurse();
      place(best, v, false);
      if (done) return true;
    }
    return false;
  };
  recurse();
  return result;
}

/**
 * Up to `limit` solutions of the puzzle (default 2: enough to tell none / unique / many).
 * A puzzle whose givens already clash has none.
 */
export function solveSudoku(grid: readonly number[], limit = 2): SudokuGrid[] {
  return searchSudoku(grid, limit).solutions;
}

export type SudokuStatus = 'unique' | 'none' | 'multiple';

/** Whether the puzzle is proper, and how many guesses the solver needed to prove it (0 = naked singles were enough). */
export function rateSudoku(grid: readonly number[]): { status: SudokuStatus; guesses: number } {
  const { solutions, guesses } = searchSudoku(grid, 2);
  return { status: solutions.length === 0 ? 'none' : solutions.length === 1 ? 'unique' : 'multiple', guesses };
}
