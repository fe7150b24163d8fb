import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkSudoku, decodeSudoku, encodeSudoku, formatSudoku, formatSudokuPretty, parseSudoku, rateSudoku,
  solveSudoku, sudokuConflicts, TaskInputError,
} from '../../src/core/tasks';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const reference = JSON.parse(readFileSync(path.resolve(repoRoot, 'tests/fixtures/reference/sudoku-mlp-tiny/io.json'), 'utf8')) as {
  sudoku_strings: string[];
  inputs: number[][];
};

// A classic solved grid and a puzzle made from it by blanking cells.
const SOLVED = '534678912672195348198342567859761423426853791713924856961537284287419635345286179';
const PUZZLE = '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79';

describe('Sudoku text', () => {
  it('reads one line of 81 cells with . and 0 as blanks', () => {
    const g = parseSudoku(PUZZLE);
    expect(g).toHaveLength(81);
    expect(g.slice(0, 5)).toEqual([5, 3, 0, 0, 7]);
    expect(parseSudoku(PUZZLE.replaceAll('.', '0'))).toEqual(g);
  });
  it('reads a pretty grid with | - + separators and round-trips both layouts', () => {
    const g = parseSudoku(PUZZLE);
    const pretty = formatSudokuPretty(g);
    expect(pretty.split('\n')).toHaveLength(11);
    expect(pretty).toContain('------+-------+------');
    expect(parseSudoku(pretty)).toEqual(g);
    expect(formatSudoku(g)).toBe(PUZZLE);
    expect(formatSudoku(g, '0')).toBe(PUZZLE.replaceAll('.', '0'));
  });
  it('names the count when cells are missing or extra', () => {
    expect(() => parseSudoku(PUZZLE.slice(1))).toThrow(new TaskInputError('Sudoku needs 81 cells, got 80'));
    expect(() => parseSudoku(PUZZLE + '1')).toThrow('Sudoku needs 81 cells, got 82');
  });
  it('names the line, column and character of anything else', () => {
    const text = `${PUZZLE.slice(0, 9)}\n${PUZZLE.slice(9, 12)}x${PUZZLE.slice(13)}`;
    expect(() => parseSudoku(text)).toThrow(/unexpected character "x" at line 2, column 4 \(after 12 cells\)/);
    expect(() => parseSudoku(text)).toThrow(TaskInputError);
  });
});

describe('Sudoku tokens (docs/spec.md §3.1)', () => {
  it('encodes blank as 1 and digit d as d+1', () => {
    const g = new Array(81).fill(0);
    g[0] = 9;
    g[1] = 1;
    const t = encodeSudoku(g);
    expect(t).toBeInstanceOf(Int32Array);
    expect([t[0], t[1], t[2]]).toEqual([10, 2, 1]);
  });
  it('encodes the reference puzzles exactly as the official builder did (io.json inputs)', () => {
    expect(reference.sudoku_strings).toHaveLength(3);
    reference.sudoku_strings.forEach((s, b) => expect(Array.from(encodeSudoku(parseSudoku(s)))).toEqual(reference.inputs[b]));
  });
  it('decodes id-1, PAD and blank to an empty cell, and round-trips', () => {
    const t = encodeSudoku(parseSudoku(SOLVED));
    expect(decodeSudoku(t)).toEqual(parseSudoku(SOLVED));
    const withPad = Array.from(t);
    withPad[3] = 0;
    withPad[4] = 1;
    const d = decodeSudoku(withPad);
    expect([d[3], d[4], d[5]]).toEqual([0, 0, 8]);
  });
  it('rejects tokens outside 0..10, grids of the wrong size or with bad values', () => {
    expect(() => decodeSudoku(new Array(81).fill(11))).toThrow(/token 0 is 11/);
    expect(() => decodeSudoku(new Array(80).fill(1))).toThrow('Sudoku needs 81 tokens, got 80');
    const bad = parseSudoku(SOLVED);
    bad[10] = 10;
    expect(() => encodeSudoku(bad)).toThrow(/cell 10 \(row 2, column 2\) is 10/);
  });
});

describe('Sudoku rules', () => {
  it('finds the cells of row, column and box duplicates', () => {
    const g = new Array(81).fill(0);
    g[0] = 5;
    g[8] = 5; // same row
    expect(sudokuConflicts(g)).toEqual([0, 8]);
    g[8] = 0;
    g[72] = 5; // same column
    expect(sudokuConflicts(g)).toEqual([0, 72]);
    g[72] = 0;
    g[20] = 5; // same box (row 2, col 2), other row and column
    expect(sudokuConflicts(g)).toEqual([0, 20]);
    g[20] = 4;
    expect(sudokuConflicts(g)).toEqual([]);
  });
  it('checks an answer: solved, incomplete, conflicting, or overwriting a given', () => {
    const puzzle = parseSudoku(PUZZLE);
    const solved = parseSudoku(SOLVED);
    expect(checkSudoku(puzzle, solved)).toEqual({ complete: true, conflicts: [], keepsGivens: true, solved: true });
    expect(checkSudoku(puzzle, puzzle)).toMatchObject({ complete: false, conflicts: [], keepsGivens: true, solved: false });
    const swapped = solved.slice();
    [swapped[2], swapped[3]] = [swapped[3], swapped[2]]; // cells 2,3 are blanks of the puzzle: givens kept
    const r = checkSudoku(puzzle, swapped);
    expect(r.keepsGivens).toBe(true);
    expect(r.conflicts.length).toBeGreaterThan(0);
    expect(r.solved).toBe(false);
    const changedGiven = solved.slice();
    [changedGiven[0], changedGiven[1]] = [changedGiven[1], changedGiven[0]];
    expect(checkSudoku(puzzle, changedGiven).keepsGivens).toBe(false);
  });
});

describe('Sudoku solver', () => {
  it('solves the three reference puzzles (incl. 17-clue-hard ones) uniquely, and the answers check', () => {
    for (const s of reference.sudoku_strings) {
      const puzzle = parseSudoku(s);
      const sols = solveSudoku(puzzle);
      expect(sols).toHaveLength(1);
      expect(checkSudoku(puzzle, sols[0]).solved).toBe(true);
      expect(rateSudoku(puzzle).status).toBe('unique');
    }
    expect(solveSudoku(parseSudoku(PUZZLE))[0]).toEqual(parseSudoku(SOLVED));
  });
  it('tells many solutions from none', () => {
    const sparse = parseSudoku(PUZZLE).map((v, i) => (i < 27 ? v : 0));
    expect(solveSudoku(sparse)).toHaveLength(2);
    expect(solveSudoku(sparse, 5)).toHaveLength(5);
    expect(rateSudoku(sparse).status).toBe('multiple');
    const clash = parseSudoku(PUZZLE);
    clash[2] = 5; // duplicates the 5 in row 1
    expect(solveSudoku(clash)).toEqual([]);
    // No duplicate among the givens, yet cell 0 has no candidate left: row has 1-4, column 5-8, box 9.
    const dead = new Array(81).fill(0);
    [1, 2, 3, 4].forEach((d, j) => (dead[j + 3] = d));
    [5, 6, 7, 8].forEach((d, j) => (dead[(j + 3) * 9] = d));
    dead[10] = 9;
    expect(sudokuConflicts(dead)).toEqual([]);
    expect(rateSudoku(dead)).toEqual({ status: 'none', guesses: 0 });
  });
  it('needs no guess on an almost full grid and some on a hard one', () => {
    const nearlyDone = parseSudoku(SOLVED);
    nearlyDone[0] = 0;
    expect(rateSudoku(nearlyDone)).toEqual({ status: 'unique', guesses: 0 });
    expect(rateSudoku(parseSudoku(reference.sudoku_strings[1])).guesses).toBeGreaterThan(0);
  });
});
