// The whole wasm engine (src/wasm/engine.ts) against the golden fixtures and the official TRM outputs, as the
// WebGPU engine is tested (tests/gpu/engine-fixtures.test.ts, engine-official.test.ts), with the same
// tolerances; on two threads (Node worker_threads), which must give the one-thread trace bit for bit. Plus the
// memory plan and its limit.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskKind, TrmConfig } from '../../src/core/config';
import { CONFIG_LIMITS } from '../../src/core/config';
import type { TrmEngine } from '../../src/core/trace';
import { loadOfficialBundle } from '../../src/core/weights/torch';
import { createWasmEngine, type WasmEngine } from '../../src/wasm/engine';
import { checkedWasmLayout, MAX_WASM_BYTES, planWasmLayout, WasmMemoryError } from '../../src/wasm/layout';
import { spawnNodeThread } from '../../src/wasm/threads-node';
import { loadFixture, type LoadedFixture } from '../gpu/fixture-helpers';
import { expectStep, flatTokens, readCarry, readJson, referenceDir, type ReferenceIo } from './reference-helpers';
import { tinyBundle } from './reference-model';

const CHAOS_LIMIT = 1e-2;
const THREADS = 2;

describe.each([
  { name: 'tiny4-att-h32', resumes: [15] },
  { name: 'tiny4-mlp-h32', resumes: [3, 15] },
  { name: 'sudoku-att-h64', resumes: [15] },
  { name: 'sudoku-mlp-h64', resumes: [3, 15] },
  { name: 'maze6-mlp-h16', resumes: [3, 15] },
])('wasm engine vs golden fixture $name', ({ name, resumes }) => {
  let fx: LoadedFixture;
  let engine: WasmEngine;
  const tol = (k: number) => Math.max(1e-3, 4 * fx.trace.float64_max_abs_logit_diff[k - 1]);
  const qTol = (k: number) => Math.max(1e-3, 4 * fx.trace.float64_max_abs_q_diff[k - 1]);
  beforeAll(async () => {
    fx = await loadFixture(name);
    engine = await createWasmEngine(fx.bundle, { threads: THREADS, spawn: spawnNodeThread });
  });
  afterAll(() => engine?.dispose());

  it('matches every fresh-carry step the float64 drift allows comparing', async () => {
    expect(engine.facts.threads).toBe(THREADS);
    const drift = fx.trace.float64_max_abs_logit_diff;
    let steps = 0;
    while (steps < 16 && drift[steps] <= CHAOS_LIMIT) steps++;
    expect(steps).toBeGreaterThan(0);
    const result = await engine.solve(fx.input, { steps, recordLogits: true });
    expect(result.steps.length).toBe(steps);
    result.steps.forEach((s, i) => expectStep(s, fx.trace.steps[i], fx.bundle.config, tol(i + 1), qTol(i + 1), `step ${i + 1}`));
  });

  it.each(resumes)('matches the step after carry snapshot %i at 1e-3', async (after) => {
    const initialCarry = readCarry(fx.dir, fx.trace.carry_snapshots, after);
    const result = await engine.solve(fx.input, { initialCarry, steps: after + 1, recordLogits: true });
    expectStep(result.steps[0], fx.trace.steps[after], fx.bundle.config, 1e-3, 1e-3, `step ${after + 1} after resume`);
    expect(engine.lastCarry?.afterStep).toBe(after + 1);
  });
});

const attentionTolerance = (step: number) => (step <= 5 ? 1e-4 : 1e-3);
describe.each([
  { name: 'sudoku-mlp-tiny', task: 'sudoku' as TaskKind, freshSteps: 3, freshTolerance: (s: number) => [1e-4, 3e-4, 3e-3][s - 1] },
  { name: 'maze-att-tiny', task: 'maze' as TaskKind, freshSteps: 16, freshTolerance: attentionTolerance },
  { name: 'arc-att-tiny', task: 'arc' as TaskKind, freshSteps: 16, freshTolerance: attentionTolerance },
])('wasm engine vs official TRM outputs: $name', ({ name, task, freshSteps, freshTolerance }) => {
  const dir = path.join(referenceDir, name);
  const io = readJson<ReferenceIo>(path.join(dir, 'io.json'));
  const input = { tokens: flatTokens(io.inputs), puzzleIds: Int32Array.from(io.puzzle_identifiers) };
  let engine: WasmEngine;
  let config: TrmConfig;
  beforeAll(async () => {
    const bundle = await loadOfficialBundle(new Uint8Array(readFileSync(path.join(dir, 'step_0'))), { yaml: readFileSync(path.join(dir, 'all_config.yaml'), 'utf8'), task });
    config = bundle.config;
    engine = await createWasmEngine(bundle, { threads: THREADS, spawn: spawnNodeThread });
  });
  afterAll(() => engine?.dispose());

  it(`matches fresh-carry steps 1–${freshSteps}`, async () => {
    const result = await engine.solve(input, { steps: freshSteps, recordLogits: true });
    expect(result.steps.length).toBe(freshSteps);
    result.steps.forEach((s, i) => expectStep(s, io.steps[i], config, freshTolerance(i + 1), freshTolerance(i + 1), `${name} step ${i + 1}`));
  }, 120_000);

  it.each(io.carry_snapshots.after_steps)('matches the step after carry snapshot %i at 1e-4', async (after) => {
    const initialCarry = readCarry(dir, io.carry_snapshots, after);
    const result = await engine.solve(input, { initialCarry, steps: after + 1, recordLogits: true });
    expectStep(result.steps[0], io.steps[after], config, 1e-4, 1e-4, `${name} step ${after + 1} resumed`);
  });
});

describe('wasm engine mechanics', () => {
  const bundle = tinyBundle();
  const input = { tokens: Int32Array.from([1, 2, 0, 4, 3, 1, 0, 0, 2, 2, 4, 1]), puzzleIds: Int32Array.from([2, 0]) };

  it('gives the same trace, bit for bit, on one thread and on two', async () => {
    const engines: TrmEngine[] = [await createWasmEngine(bundle), await createWasmEngine(bundle, { threads: 2, spawn: spawnNodeThread })];
    try {
      const [one, two] = await Promise.all(engines.map((e) => e.solve(input, { recordLogits: true, recordInner: true })));
      expect(two.steps.length).toBe(16);
      two.steps.forEach((s, k) => {
        expect(s.logits, `step ${k + 1}`).toEqual(one.steps[k].logits);
        expect(s.qHalt).toEqual(one.steps[k].qHalt);
        expect(s.inner!.map((x) => Array.from(x.zNorm))).toEqual(one.steps[k].inner!.map((x) => Array.from(x.zNorm)));
      });
    } finally {
      engines.forEach((e) => e.dispose());
    }
  });

  it('runs on one thread and says why when no helper can be started', async () => {
    const engine = await createWasmEngine(bundle, { threads: 4 });
    expect(engine.kind).toBe('wasm');
    expect(engine.facts).toEqual({ threads: 1, limitedBy: 'no helper threads can be started here' });
    engine.dispose();
    await expect(engine.solve(input)).rejects.toThrow(/disposed/);
  });

  it('plans the memory once per model and refuses a model larger than the limit before allocating, naming its size', () => {
    const c = bundle.config;
    const layout = planWasmLayout(c);
    expect(layout.pages * 65536).toBeGreaterThanOrEqual(layout.bytes);
    const regions = [layout.control, ...layout.layers.flatMap((l) => Object.values(l)), layout.h, layout.injection, layout.wide, layout.act, layout.kt!, layout.probs!];
    expect(new Set(regions).size).toBe(regions.length);
    for (const r of regions) expect(r % 64).toBe(0);
    const huge: TrmConfig = { ...c, hidden_size: CONFIG_LIMITS.hidden_size, num_heads: 8, seq_len: 4000, expansion: 4, L_layers: 8 };
    expect(planWasmLayout(huge).bytes).toBeGreaterThan(MAX_WASM_BYTES);
    expect(() => checkedWasmLayout(huge)).toThrow(WasmMemoryError);
    expect(() => checkedWasmLayout(huge)).toThrow(/needs \d+\.\d\d GiB of wasm memory/);
  });
});
