// Loading the golden fixtures (tests/fixtures) and the official reference (../shared/reference) for the
// engine tests, and the step comparison shared with the CPU reference tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { ModelBundle } from '../../src/core/bundle';
import type { TrmConfig } from '../../src/core/config';
import type { StepTrace } from '../../src/core/trace';
import { loadAppModel } from '../../src/core/weights/app-format';
import { compareStep, fixturesDir, flatTokens, readJson, type CarrySnapshots, type StoredStep } from '../unit/reference-helpers';

export interface FixtureTrace {
  config: TrmConfig;
  inputs: number[][];
  puzzle_identifiers: number[];
  float64_max_abs_logit_diff: number[];
  float64_max_abs_q_diff: number[];
  carry_snapshots: CarrySnapshots;
  steps: StoredStep[];
}

export interface LoadedFixture {
  dir: string;
  trace: FixtureTrace;
  bundle: ModelBundle;
  input: { tokens: Int32Array; puzzleIds: Int32Array };
}

export async function loadFixture(name: string): Promise<LoadedFixture> {
  const dir = path.join(fixturesDir, name);
  const trace = readJson<FixtureTrace>(path.join(dir, 'trace.json'));
  const bundle = await loadAppModel(new Uint8Array(readFileSync(path.join(dir, 'model.safetensors'))));
  return { dir, trace, bundle, input: { tokens: flatTokens(trace.inputs), puzzleIds: Int32Array.from(trace.puzzle_identifiers) } };
}

/** Asserts one engine step against a stored step: logits, q, preds (near-tie flips only). */
export function expectStep(ours: StepTrace, ref: StoredStep, c: TrmConfig, logitTol: number, qTol: number, where: string): void {
  const cmp = compareStep(ours, ref, c.seq_len, c.vocab_size, logitTol);
  expect(ours.step, where).toBe(ref.step);
  if (ref.logits) expect(cmp.maxLogitDiff, `${where} max |logit diff|`).toBeLessThanOrEqual(logitTol);
  expect(cmp.maxQDiff, `${where} max |q diff|`).toBeLessThanOrEqual(qTol);
  expect(cmp.predMismatches, `${where} preds`).toEqual([]);
}
