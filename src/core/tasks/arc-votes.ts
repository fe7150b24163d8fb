// ARC voting over augmented copies (docs/spec.md §7.3), as the official evaluator scores ARC: a model trained with
// augmentations has one puzzle-embedding row per augmented copy of a task ("<task>|||t<k>|||<colour map>"); each
// copy solves the test input as that copy sees it (colours permuted, then a dihedral transform), its answer is
// mapped back, and the answers vote: most votes first, then the highest mean sigmoid(q_halt).
// training/data/arc_aug.py augments the same way (tests/fixtures/arc-augment.json is shared by both).
import type { StepTrace } from '../trace';
import { decodeArcGrid, encodeArcGrid, type ArcGrid } from './arc';

export interface ArcCopy {
  row: number; // puzzle-embedding row
  tid: number; // dihedral transform 0..7 (0 identity; 1–3 rot90 ×k; 4 fliplr; 5 flipud; 6 transpose; 7 fliplr∘rot90)
  perm: Int32Array; // [10] colour c → perm[c]; perm[0] = 0
}

const SEP = '|||';
const INVERSE_TID = [0, 3, 2, 1, 4, 5, 6, 7];

/** The task and augmentation of an embedding-table name; a bare name is the un-augmented copy. Null if malformed. */
export function parseCopyName(name: string): { task: string; tid: number; perm: Int32Array } | null {
  const parts = name.split(SEP);
  if (parts.length === 1) return { task: name, tid: 0, perm: Int32Array.from({ length: 10 }, (_, c) => c) };
  const m = parts.length === 3 ? /^t([0-7])$/.exec(parts[1]) : null;
  if (!m || !/^[0-9]{10}$/.test(parts[2])) return null;
  return { task: parts[0], tid: Number(m[1]), perm: Int32Array.from(parts[2], Number) };
}

/** Every row of `task` in the table: the un-augmented copy first, then the augmented ones in table order. */
export function arcCopies(puzzleNames: readonly string[], task: string): ArcCopy[] {
  const copies: ArcCopy[] = [];
  puzzleNames.forEach((name, row) => {
    const p = parseCopyName(name);
    if (p && p.task === task) copies.push({ row, tid: p.tid, perm: p.perm });
  });
  const original = puzzleNames.indexOf(task);
  return copies.sort((a, b) => Number(b.row === original) - Number(a.row === original)); // stable otherwise
}

/** numpy's transforms as training/data/dihedral.py numbers them. */
export function dihedralGrid(g: ArcGrid, tid: number): ArcGrid {
  const H = g.length;
  const W = g[0]?.length ?? 0;
  const make = (rows: number, cols: number, at: (i: number, j: number) => number) =>
    Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => at(i, j)));
  switch (tid) {
    case 0: return g.map((r) => r.slice());
    case 1: return make(W, H, (i, j) => g[j][W - 1 - i]); // rot90, counter-clockwise
    case 2: return make(H, W, (i, j) => g[H - 1 - i][W - 1 - j]);
    case 3: return make(W, H, (i, j) => g[H - 1 - j][i]);
    case 4: return make(H, W, (i, j) => g[i][W - 1 - j]); // fliplr
    case 5: return make(H, W, (i, j) => g[H - 1 - i][j]); // flipud
    case 6: return make(W, H, (i, j) => g[j][i]); // transpose
    case 7: return make(W, H, (i, j) => g[H - 1 - j][W - 1 - i]); // fliplr(rot90)
    default: throw new RangeError(`dihedral transform id must be 0..7, got ${tid}`);
  }
}

/** The grid as `copy` sees it: colours permuted, then the dihedral transform. */
export function augmentArcGrid(grid: ArcGrid, copy: Pick<ArcCopy, 'tid' | 'perm'>): ArcGrid {
  return dihedralGrid(grid.map((r) => r.map((c) => copy.perm[c])), copy.tid);
}

/** A grid answered by `copy`, back in the task's own frame and colours. */
export function restoreArcGrid(grid: ArcGrid, copy: Pick<ArcCopy, 'tid' | 'perm'>): ArcGrid {
  const inverse = new Int32Array(10);
  copy.perm.forEach((to, from) => (inverse[to] = from));
  return dihedralGrid(grid, INVERSE_TID[copy.tid]).map((r) => r.map((c) => inverse[c]));
}

/** One row per copy: the test input as that copy sees it, on the model's canvas. */
export function arcCopyRows(input: ArcGrid, copies: ArcCopy[], canvas: number): { tokens: Int32Array; puzzleIds: Int32Array } {
  const n = canvas * canvas;
  const tokens = new Int32Array(copies.length * n);
  copies.forEach((c, k) => tokens.set(encodeArcGrid(augmentArcGrid(input, c), { canvas }), k * n));
  return { tokens, puzzleIds: Int32Array.from(copies, (c) => c.row) };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * One supervision step of the copies' rows → a step of one row: the answer with most votes (then the highest
 * mean sigmoid(q_halt)) on the canvas; confidence per cell = the share of copies whose answer, mapped back, has
 * the same token there; q_halt/q_continue of the most confident copy that voted for it. `views` tells which
 * copy that is (`shown`) and how many copies voted for the answer (`valid`).
 */
export function voteArcStep(step: StepTrace, copies: ArcCopy[], canvas: number): StepTrace {
  const n = canvas * canvas;
  const C = copies.length;
  if (step.qHalt.length !== C) throw new RangeError(`a step of ${step.qHalt.length} rows is not ${C} copies`);
  const answers = copies.map((c, k) => encodeAnswer(restoreArcGrid(decodeArcGrid(step.preds.subarray(k * n, (k + 1) * n)), c), canvas));
  const ballots = new Map<string, number[]>();
  answers.forEach((a, k) => {
    const key = a.join(',');
    if (!ballots.has(key)) ballots.set(key, []);
    ballots.get(key)!.push(k);
  });
  const mean = (ks: number[]) => ks.reduce((s, k) => s + sigmoid(step.qHalt[k]), 0) / ks.length;
  const voters = [...ballots.values()].sort((a, b) => b.length - a.length || mean(b) - mean(a))[0];
  const shown = voters.reduce((best, k) => (step.qHalt[k] > step.qHalt[best] ? k : best), voters[0]);
  const preds = answers[shown];
  const confidence = new Float32Array(n);
  for (const a of answers) for (let i = 0; i < n; i++) if (a[i] === preds[i]) confidence[i] += 1 / C;
  return {
    step: step.step,
    preds,
    confidence,
    qHalt: Float32Array.of(step.qHalt[shown]),
    qContinue: Float32Array.of(step.qContinue[shown]),
    views: { count: C, shown: Int32Array.of(shown), valid: Int32Array.of(voters.length) },
  };
}

/** An answer on the canvas; an empty crop (top-left not a colour) is an all-PAD canvas. */
function encodeAnswer(grid: ArcGrid, canvas: number): Int32Array {
  return grid.length ? encodeArcGrid(grid, { canvas }) : new Int32Array(canvas * canvas);
}
