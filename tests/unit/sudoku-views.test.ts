import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StepTrace } from '../../src/core/trace';
import {
  encodeSudoku, mergeSudokuViews, parseSudoku, solvesSudoku, sudokuViews, viewSudokuBatch, viewSudokuTokens,
} from '../../src/core/tasks';

const SOLVED = encodeSudoku(parseSudoku('534678912672195348198342567859761423426853791713924856961537284287419635345286179'));
const PUZZLE = encodeSudoku(parseSudoku('53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79'));
const VOCAB = 11;

/** A step of `rows` rows whose preds are given, with q_halt = row index so picks can be traced. */
function stepOf(preds: Int32Array[], logits = false): StepTrace {
  const rows = preds.length;
  const step: StepTrace = {
    step: 3,
    preds: new Int32Array(rows * 81),
    confidence: new Float32Array(rows * 81),
    qHalt: Float32Array.from({ length: rows }, (_, r) => r),
    qContinue: Float32Array.from({ length: rows }, (_, r) => -r),
  };
  preds.forEach((p, r) => {
    step.preds.set(p, r * 81);
    step.confidence.set(Float32Array.from(p, (t) => t / 16), r * 81);
  });
  if (logits) {
    step.logits = new Float32Array(rows * 81 * VOCAB);
    preds.forEach((p, r) => p.forEach((t, i) => (step.logits![(r * 81 + i) * VOCAB + t] = 1)));
  }
  return step;
}

describe('Sudoku test-time views', () => {
  const views = sudokuViews(8);

  it('starts with the puzzle as given; more views extend the same list', () => {
    expect(viewSudokuTokens(PUZZLE, views[0])).toEqual(PUZZLE);
    expect(sudokuViews(4)).toEqual(views.slice(0, 4));
    for (const v of views) {
      expect([...v.cells].sort((a, b) => a - b)).toEqual([...Array(81).keys()]);
      expect(v.digits[0]).toBe(0);
      expect([...v.digits.slice(1)].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(new Set(views.map((v) => viewSudokuTokens(PUZZLE, v).join(''))).size).toBe(8);
  });

  it('draws the views of tests/fixtures/sudoku-views.json (the Python evaluator draws the same)', () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/sudoku-views.json', import.meta.url), 'utf8')) as {
      seed: number; views: { digits: number[]; transpose: boolean; cells: number[] }[];
    };
    const ours = sudokuViews(fixture.views.length, fixture.seed);
    expect(ours.map((v) => ({ digits: [...v.digits], transpose: v.transpose, cells: [...v.cells] }))).toEqual(fixture.views);
  });

  it('keeps a puzzle and its solution a puzzle and its solution', () => {
    for (const v of views) {
      const vp = viewSudokuTokens(PUZZLE, v);
      const vs = viewSudokuTokens(SOLVED, v);
      expect(solvesSudoku(vp, vs)).toBe(true);
      expect(solvesSudoku(vp, SOLVED)).toBe(v === views[0]);
    }
  });

  it('merges a step: the first view whose answer obeys the rules, mapped back to the puzzle', () => {
    const wrong = SOLVED.slice();
    [wrong[0], wrong[1]] = [wrong[1], wrong[0]];
    // puzzle 0: views 0-2 wrong, 3 and 6 right; puzzle 1: none right
    const rows = [
      ...views.map((v, i) => viewSudokuTokens(i === 3 || i === 6 ? SOLVED : wrong, v)),
      ...views.map((v) => viewSudokuTokens(wrong, v)),
    ];
    const batch = new Int32Array(2 * 81);
    batch.set(PUZZLE, 0);
    batch.set(PUZZLE, 81);
    const merged = mergeSudokuViews(stepOf(rows, true), views, batch, VOCAB);
    expect([...merged.views!.shown]).toEqual([3, 0]);
    expect([...merged.views!.valid]).toEqual([2, 0]);
    expect(merged.preds.subarray(0, 81)).toEqual(SOLVED);
    expect(merged.preds.subarray(81)).toEqual(wrong); // view 0 = the puzzle as given, unmapped
    expect([...merged.qHalt]).toEqual([3, 8]);
    expect([...merged.qContinue]).toEqual([-3, -8]);
    // confidences and logits follow their cells back to the puzzle's layout and digits
    for (let i = 0; i < 81; i++) {
      expect(merged.confidence[i]).toBe((views[3].digits[SOLVED[i] - 1] + 1) / 16); // the viewed digit's cell
      expect(merged.logits![i * VOCAB + SOLVED[i]]).toBe(1);
    }
    expect(merged.logits!.reduce((a, b) => a + b, 0)).toBe(2 * 81);
  });

  it('lays a batch out puzzle-major, and says so when a step does not fit it', () => {
    const two = new Int32Array(162);
    two.set(PUZZLE, 0);
    two.set(SOLVED, 81);
    const rows = viewSudokuBatch(two, views.slice(0, 2));
    expect(rows.subarray(81, 162)).toEqual(viewSudokuTokens(PUZZLE, views[1]));
    expect(rows.subarray(162, 243)).toEqual(SOLVED);
    expect(() => mergeSudokuViews(stepOf([PUZZLE, PUZZLE, PUZZLE]), views.slice(0, 2), two, VOCAB)).toThrow(/3 rows is not 2 puzzles × 2 views/);
  });
});
