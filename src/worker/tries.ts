// Several tries of one puzzle solved side by side as one batch, merged back into one answer per step:
// Sudoku views (the first answer that obeys the rules) and ARC augmented copies (the official vote).
import type { ModelBundle } from '../core/bundle';
import { arcCanvasOf, decodeArcGrid } from '../core/tasks/arc';
import { arcCopies, arcCopyRows, voteArcStep, type ArcCopy } from '../core/tasks/arc-votes';
import { mergeSudokuViews, sudokuViews, viewSudokuBatch } from '../core/tasks/sudoku-views';
import type { SolveInput, StepTrace } from '../core/trace';
import { flopsPerStep, type TrmConfig } from '../core/config';
import { AUTO_ARC_COPIES, AUTO_VIEWS, type EngineKind, type ViewsPreference } from './protocol';

export interface Tries {
  count: number;
  input: SolveInput;
  /** The batch's step → the puzzle's step (a fresh copy: engines may reuse their buffers). */
  merge(step: StepTrace): StepTrace;
  /** The merged step has no inner-call record (votes of many copies have no single call sequence to show). */
  dropsInner?: boolean;
}

/** The ARC copies of the task in row `puzzleId` that the loaded table holds (an official table may hold one). */
function copiesOf(bundle: ModelBundle, puzzleId: number): ArcCopy[] {
  const name = bundle.puzzleNames?.[puzzleId];
  return name && bundle.config.task === 'arc' ? arcCopies(bundle.puzzleNames!, name) : [];
}

/**
 * FLOPs a whole 'auto' solve may cost on the CPU engine: on two cores (measured through the CLI) about 4 s for the
 * MLP-mixer, which ran ~11 GFLOP/s (the shipped Sudoku model's 8 views: 44 GFLOP), about twice that for attention
 * with small heads (~5 GFLOP/s).
 */
export const WASM_AUTO_FLOPS = 5e10;

/** How many tries a solve gets: 'auto' = AUTO_VIEWS Sudoku views or up to AUTO_ARC_COPIES ARC copies on WebGPU, as
 * many of those as fit WASM_AUTO_FLOPS on the CPU engine, one on the CPU reference. */
export function triesWanted(bundle: ModelBundle, puzzleId: number, pref: ViewsPreference, kind: EngineKind): number {
  const most = bundle.config.task === 'sudoku' ? Infinity : Math.max(1, copiesOf(bundle, puzzleId).length);
  return Math.max(1, Math.min(pref === 'auto' ? autoTries(bundle.config, kind) : pref, most));
}

/** The tries 'auto' asks for on `kind`, before the ARC copies the table holds bound them. */
export function autoTries(c: TrmConfig, kind: EngineKind): number {
  const gpu = c.task === 'sudoku' ? AUTO_VIEWS : AUTO_ARC_COPIES;
  if (kind === 'webgpu') return gpu;
  if (kind === 'cpu') return 1;
  return Math.max(1, Math.min(gpu, Math.floor(WASM_AUTO_FLOPS / (flopsPerStep(c) * c.halt_max_steps))));
}

export function makeTries(bundle: ModelBundle, tokens: Int32Array, puzzleIds: Int32Array, count: number): Tries {
  const { task, vocab_size, seq_len } = bundle.config;
  if (count > 1 && task === 'sudoku') {
    const views = sudokuViews(count);
    return {
      count,
      input: { tokens: viewSudokuBatch(tokens, views), puzzleIds: new Int32Array(count).fill(puzzleIds[0]) },
      merge: (step) => mergeSudokuViews(step, views, tokens, vocab_size),
    };
  }
  const canvas = arcCanvasOf(seq_len);
  if (count > 1 && task === 'arc' && canvas) {
    const copies = copiesOf(bundle, puzzleIds[0]).slice(0, count);
    return {
      count,
      input: arcCopyRows(decodeArcGrid(tokens), copies, canvas),
      merge: (step) => voteArcStep(step, copies, canvas),
      dropsInner: true,
    };
  }
  return { count: 1, input: { tokens, puzzleIds }, merge: cloneStep };
}

function cloneStep(s: StepTrace): StepTrace {
  return {
    step: s.step,
    preds: s.preds.slice(),
    confidence: s.confidence.slice(),
    qHalt: s.qHalt.slice(),
    qContinue: s.qContinue.slice(),
    inner: s.inner?.map((i) => ({ ...i, preds: i.preds.slice(), yNorm: i.yNorm.slice(), zNorm: i.zNorm.slice() })),
  };
}
