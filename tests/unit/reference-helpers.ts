// Helpers for the CPU reference tests: paths, carry snapshots and the step-by-step comparison with a
// stored trace (the golden fixtures and the official reference share the step record format).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { TrmConfig } from '../../src/core/config';
import type { Carry, StepTrace } from '../../src/core/trace';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const referenceDir = path.resolve(repoRoot, 'tests/fixtures/reference');
export const fixturesDir = path.resolve(repoRoot, 'tests/fixtures');

/** One step as stored in io.json / trace.json. */
export interface StoredStep {
  step: number;
  logits?: number[][][]; // [B][seq_len][vocab]
  q_halt_logits: number[];
  q_continue_logits: number[];
  preds: number[][]; // [B][seq_len]
  near_ties: [number, number][];
  inner?: StoredInner[];
}

export interface StoredInner {
  cycle: number;
  call: number;
  target: 'z' | 'y';
  y_norm: number[];
  z_norm: number[];
  preds: number[][];
}

export interface CarrySnapshots {
  file: string;
  after_steps: number[];
  shape: number[]; // [n_snap, 2, B, S, hidden]
}

/** A golden fixture's trace.json (training/make_fixtures.py). */
export interface FixtureTrace {
  config: TrmConfig;
  inputs: number[][];
  puzzle_identifiers: number[];
  float64_max_abs_logit_diff: number[];
  float64_max_abs_q_diff: number[];
  carry_snapshots: CarrySnapshots;
  steps: StoredStep[];
}

/** An official reference's io.json (tests/fixtures/reference/<name>). */
export interface ReferenceIo {
  config: Record<string, unknown>;
  inputs: number[][];
  puzzle_identifiers: number[];
  logits_steps: number[];
  carry_snapshots: CarrySnapshots;
  steps: StoredStep[];
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** The carry stored after step `afterStep` (0 = z_H, 1 = z_L along the second axis). */
export function readCarry(dir: string, snaps: CarrySnapshots, afterStep: number): Carry {
  const index = snaps.after_steps.indexOf(afterStep);
  if (index < 0) throw new Error(`no carry snapshot after step ${afterStep} (have ${snaps.after_steps.join(', ')})`);
  const buf = readFileSync(path.join(dir, snaps.file));
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const [n, two, ...rest] = snaps.shape;
  const per = rest.reduce((a, s) => a * s, 1);
  if (two !== 2 || all.length !== n * 2 * per) throw new Error(`${snaps.file} holds ${all.length} floats, shape ${snaps.shape.join('×')} needs ${n * 2 * per}`);
  const base = index * 2 * per;
  return { zH: all.slice(base, base + per), zL: all.slice(base + per, base + 2 * per), afterStep };
}

/** The two best classes of logits[offset .. offset+vocab): [best, second]. */
function top2(x: ArrayLike<number>, offset: number, vocab: number): [number, number] {
  let a = -1;
  let b = -1;
  for (let v = 0; v < vocab; v++) {
    const val = x[offset + v];
    if (a < 0 || val > x[offset + a]) {
      b = a;
      a = v;
    } else if (b < 0 || val > x[offset + b]) b = v;
  }
  return [a, b];
}

export interface StepComparison {
  maxLogitDiff: number; // NaN when the stored step has no logits
  maxQDiff: number;
  /** Positions (b, cell) whose pred differs and is not an allowed near-tie flip. */
  predMismatches: string[];
  allowedFlips: number;
}

/**
 * Compares one of our steps (recorded with logits) with a stored step. A pred may differ only where the
 * top two classes are within reach of rounding: positions listed in `near_ties`, or — when `tolerance` is
 * given and the stored logits are there — positions whose stored top-1 − top-2 margin is below
 * 2·tolerance (two results each within `tolerance` of the stored logits can swap only there). Even then the
 * two preds must be each other's top-2.
 */
export function compareStep(ours: StepTrace, ref: StoredStep, seqLen: number, vocab: number, tolerance = 0): StepComparison {
  if (!ours.logits) throw new Error('record the solve with recordLogits: true to compare it');
  const B = ref.preds.length;
  let maxLogitDiff = Number.NaN;
  if (ref.logits) {
    maxLogitDiff = 0;
    for (let b = 0; b < B; b++)
      for (let i = 0; i < seqLen; i++)
        for (let v = 0; v < vocab; v++)
          maxLogitDiff = Math.max(maxLogitDiff, Math.abs(ref.logits[b][i][v] - ours.logits[(b * seqLen + i) * vocab + v]));
  }
  let maxQDiff = 0;
  for (let b = 0; b < B; b++)
    maxQDiff = Math.max(maxQDiff, Math.abs(ref.q_halt_logits[b] - ours.qHalt[b]), Math.abs(ref.q_continue_logits[b] - ours.qContinue[b]));
  const listed = new Set(ref.near_ties.map(([b, i]) => `${b},${i}`));
  const predMismatches: string[] = [];
  let allowedFlips = 0;
  for (let b = 0; b < B; b++)
    for (let i = 0; i < seqLen; i++) {
      const want = ref.preds[b][i];
      const got = ours.preds[b * seqLen + i];
      if (want === got) continue;
      let nearTie = listed.has(`${b},${i}`);
      if (!nearTie && tolerance > 0 && ref.logits) {
        const row = ref.logits[b][i];
        const [r1, r2] = top2(row, 0, vocab);
        nearTie = row[r1] - row[r2] < 2 * tolerance;
      }
      const ourTop2 = top2(ours.logits, (b * seqLen + i) * vocab, vocab);
      if (nearTie && ourTop2.includes(want)) allowedFlips++;
      else predMismatches.push(`row ${b} cell ${i}: ours ${got}, reference ${want}`);
    }
  return { maxLogitDiff, maxQDiff, predMismatches, allowedFlips };
}

export function flatTokens(inputs: number[][]): Int32Array {
  return Int32Array.from(inputs.flat());
}

/**
 * Pred differences after one network call that rounding cannot explain. The stored inner trace has no
 * logits, so a flip is allowed only where our own top-1 − top-2 margin is below 2·tolerance and the
 * stored pred is our second best.
 */
export function innerPredMismatches(preds: Int32Array, logits: Float32Array, refPreds: number[][], seqLen: number, vocab: number, tolerance: number): string[] {
  const bad: string[] = [];
  refPreds.forEach((row, b) =>
    row.forEach((want, i) => {
      const got = preds[b * seqLen + i];
      if (got === want) return;
      const o = (b * seqLen + i) * vocab;
      const [t1, t2] = top2(logits, o, vocab);
      if (!(t2 === want && logits[o + t1] - logits[o + t2] < 2 * tolerance)) bad.push(`row ${b} cell ${i}: ours ${got}, reference ${want}`);
    }),
  );
  return bad;
}

/** Asserts one engine step against a stored step: logits, q, preds (near-tie flips only). */
export function expectStep(ours: StepTrace, ref: StoredStep, c: TrmConfig, logitTol: number, qTol: number, where: string): void {
  const cmp = compareStep(ours, ref, c.seq_len, c.vocab_size, logitTol);
  expect(ours.step, where).toBe(ref.step);
  if (ref.logits) expect(cmp.maxLogitDiff, `${where} max |logit diff|`).toBeLessThanOrEqual(logitTol);
  expect(cmp.maxQDiff, `${where} max |q diff|`).toBeLessThanOrEqual(qTol);
  expect(cmp.predMismatches, `${where} preds`).toEqual([]);
}

/** Each value within `tol` of the reference, relative to the reference's largest magnitude (gradient fixtures). */
export function expectCloseToScale(got: ArrayLike<number>, want: number[], what: string, tol = 1e-4) {
  expect(got.length, what).toBe(want.length);
  const scale = Math.max(1e-6, ...want.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  expect(worst, `${what}: worst relative error`).toBeLessThan(tol);
}
