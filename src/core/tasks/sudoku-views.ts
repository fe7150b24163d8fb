// Test-time views of a Sudoku: the same puzzle under validity-preserving transforms (digit relabelling,
// transpose, band/row and stack/column shuffles: the training augmentations). Each view is one more try of
// the model, solved side by side in one batch; the rules alone tell which answers are solutions (a puzzle
// with a unique solution has no other rule-valid completion), so no reference solution is used. View 0 is
// the puzzle as given: one view is the official single-view protocol.
// training/data/sudoku_views.py draws the same views from the same seed (tests/fixtures/sudoku-views.json).
import { seededRandom } from '../random';
import { mergeTraceSteps, type StepTrace, type Trace, type ViewsOfStep } from '../trace';
import { checkSudoku, SUDOKU_CELLS } from './sudoku';

export interface SudokuView {
  digits: Int32Array; // [10] digit d → digits[d]; digits[0] = 0 (blank stays blank)
  transpose: boolean;
  cells: Int32Array; // [81] viewed[k] = source[cells[k]], source = the grid, transposed first when `transpose`
}

export const SUDOKU_VIEW_SEED = 20251;

function shuffle(items: number[], random: () => number): number[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Lines (rows or columns) in shuffled order: the 3 bands shuffled, then the 3 lines inside each band. */
function shuffledLines(random: () => number): number[] {
  return shuffle([0, 1, 2], random).flatMap((band) => shuffle([0, 1, 2], random).map((i) => 3 * band + i));
}

/** The first `count` views: view 0 is the identity, the rest come from one seeded stream (a prefix of a longer list). */
export function sudokuViews(count: number, seed = SUDOKU_VIEW_SEED): SudokuView[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`views must be a positive integer (got ${count})`);
  const identity = Int32Array.from({ length: SUDOKU_CELLS }, (_, k) => k);
  const views: SudokuView[] = [{ digits: Int32Array.from({ length: 10 }, (_, d) => d), transpose: false, cells: identity }];
  const random = seededRandom(seed);
  while (views.length < count) {
    const digits = Int32Array.from([0, ...shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9], random)]);
    const transpose = random() < 0.5;
    const rows = shuffledLines(random);
    const cols = shuffledLines(random);
    const cells = Int32Array.from({ length: SUDOKU_CELLS }, (_, k) => rows[Math.floor(k / 9)] * 9 + cols[k % 9]);
    views.push({ digits, transpose, cells });
  }
  return views;
}

/** Cell of the original grid that view cell k shows. */
function sourceCell(view: SudokuView, k: number): number {
  const c = view.cells[k];
  return view.transpose ? (c % 9) * 9 + Math.floor(c / 9) : c;
}

/** Official tokens: 0 PAD, 1 blank, 2..10 digits 1..9. */
function viewToken(view: SudokuView, t: number): number {
  return t >= 2 ? view.digits[t - 1] + 1 : t;
}

/** The puzzle's 81 tokens as `view` shows them. */
export function viewSudokuTokens(tokens: ArrayLike<number>, view: SudokuView): Int32Array {
  return Int32Array.from({ length: SUDOKU_CELLS }, (_, k) => viewToken(view, tokens[sourceCell(view, k)]));
}

/** Rows for a batch: puzzle-major, views inside (row p·V + v = view v of puzzle p). */
export function viewSudokuBatch(tokens: Int32Array, views: SudokuView[]): Int32Array {
  const puzzles = tokens.length / SUDOKU_CELLS;
  const out = new Int32Array(puzzles * views.length * SUDOKU_CELLS);
  for (let p = 0; p < puzzles; p++)
    views.forEach((view, v) => out.set(viewSudokuTokens(tokens.subarray(p * SUDOKU_CELLS, (p + 1) * SUDOKU_CELLS), view), (p * views.length + v) * SUDOKU_CELLS));
  return out;
}

function inverseDigits(view: SudokuView): Int32Array {
  const inv = new Int32Array(10);
  view.digits.forEach((d, i) => (inv[d] = i));
  return inv;
}

/** Per-cell values of a viewed grid (tokens when `tokens`, else e.g. confidences) back in the original layout. */
function unview<A extends Int32Array | Float32Array>(viewed: A, view: SudokuView, tokens: boolean): A {
  const out = new (viewed.constructor as { new (n: number): A })(SUDOKU_CELLS);
  const inv = tokens ? inverseDigits(view) : null;
  for (let k = 0; k < SUDOKU_CELLS; k++) {
    const t = viewed[k];
    out[sourceCell(view, k)] = inv && t >= 2 ? inv[t - 1] + 1 : t;
  }
  return out;
}

/** Logits [81·vocab] of a view back in the original layout and digit order. */
function unviewLogits(viewed: Float32Array, view: SudokuView, vocab: number): Float32Array {
  const out = new Float32Array(SUDOKU_CELLS * vocab);
  for (let k = 0; k < SUDOKU_CELLS; k++) {
    const i = sourceCell(view, k);
    for (let t = 0; t < vocab; t++) out[i * vocab + t] = viewed[k * vocab + viewToken(view, t)];
  }
  return out;
}

/** Whether tokens form a solution of the puzzle (complete, conflict-free, givens kept). */
export function solvesSudoku(puzzleTokens: ArrayLike<number>, answerTokens: ArrayLike<number>): boolean {
  const grid = (tokens: ArrayLike<number>) => Array.from({ length: SUDOKU_CELLS }, (_, i) => (tokens[i] >= 2 && tokens[i] <= 10 ? tokens[i] - 1 : 0));
  return checkSudoku(grid(puzzleTokens), grid(answerTokens)).solved;
}

/**
 * One supervision step of P·V view rows (puzzle-major) → the step of P puzzles, each row taken from its
 * shown view and mapped back to the puzzle's own layout and digits. `puzzles` holds the P original puzzles.
 */
export function mergeSudokuViews(step: StepTrace, views: SudokuView[], puzzles: Int32Array, vocab: number): StepTrace {
  const V = views.length;
  const P = puzzles.length / SUDOKU_CELLS;
  if (step.qHalt.length !== P * V) throw new RangeError(`a step of ${step.qHalt.length} rows is not ${P} puzzles × ${V} views`);
  const rowOf = (a: Int32Array | Float32Array, r: number) => a.subarray(r * SUDOKU_CELLS, (r + 1) * SUDOKU_CELLS);
  const shown = new Int32Array(P);
  const valid = new Int32Array(P);
  for (let p = 0; p < P; p++) {
    const puzzle = puzzles.subarray(p * SUDOKU_CELLS, (p + 1) * SUDOKU_CELLS);
    let first = -1;
    for (let v = 0; v < V; v++) {
      const answer = unview(rowOf(step.preds, p * V + v) as Int32Array, views[v], true);
      if (!solvesSudoku(puzzle, answer)) continue;
      valid[p]++;
      if (first < 0) first = v;
    }
    shown[p] = Math.max(first, 0);
  }
  const pick = (a: Float32Array) => Float32Array.from({ length: P }, (_, p) => a[p * V + shown[p]]);
  const cellsOf = <A extends Int32Array | Float32Array>(a: A, tokens: boolean): A => {
    const out = new (a.constructor as { new (n: number): A })(P * SUDOKU_CELLS);
    for (let p = 0; p < P; p++) out.set(unview(rowOf(a, p * V + shown[p]) as A, views[shown[p]], tokens), p * SUDOKU_CELLS);
    return out;
  };
  const merged: StepTrace = {
    step: step.step,
    preds: cellsOf(step.preds, true),
    confidence: cellsOf(step.confidence, false),
    qHalt: pick(step.qHalt),
    qContinue: pick(step.qContinue),
    views: { count: V, shown, valid } satisfies ViewsOfStep,
  };
  if (step.logits) {
    const logits = new Float32Array(P * SUDOKU_CELLS * vocab);
    const size = SUDOKU_CELLS * vocab;
    for (let p = 0; p < P; p++) {
      const r = p * V + shown[p];
      logits.set(unviewLogits(step.logits.subarray(r * size, (r + 1) * size), views[shown[p]], vocab), p * size);
    }
    merged.logits = logits;
  }
  if (step.inner) merged.inner = step.inner.map((i) => ({ ...i, preds: cellsOf(i.preds, true), yNorm: pick(i.yNorm), zNorm: pick(i.zNorm) }));
  return merged;
}

/** A whole trace of P·V view rows → the trace of the P puzzles; halting is read from the merged q_halt. */
export function mergeSudokuViewTrace(trace: Trace, views: SudokuView[], puzzles: Int32Array): Trace {
  return mergeTraceSteps(trace, puzzles.length / SUDOKU_CELLS, (s) => mergeSudokuViews(s, views, puzzles, trace.vocab));
}
