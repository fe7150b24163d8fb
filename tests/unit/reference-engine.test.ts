// Mechanics of the CPU reference and CpuEngine on a tiny random model: the trace's content, batching,
// resuming from a carry, early halt, cancellation between network calls, event-loop yielding, errors.
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/core/bundle';
import { derivedSizes } from '../../src/core/config';
import { EngineUsageError } from '../../src/core/engine-errors';
import { CpuEngine, createCpuEngine, ReferenceRun, ReferenceTrm, rms, solveReference } from '../../src/core/reference';
import type { SolveInput, StepTrace } from '../../src/core/trace';
import { tinyBundle, tinyConfig } from './reference-model';

const attBundle = tinyBundle();
const mlpBundle = tinyBundle(tinyConfig({ mlp_t: true, pos_encodings: 'none', L_cycles: 3 }), 2);
const input: SolveInput = { tokens: Int32Array.from([1, 2, 0, 4, 3, 1, 0, 0, 2, 2, 4, 1]), puzzleIds: Int32Array.from([2, 0]) };
const row = (b: number): SolveInput => ({ tokens: input.tokens.slice(b * 6, b * 6 + 6), puzzleIds: input.puzzleIds.slice(b, b + 1) });

describe.each([
  ['attention + RoPE', attBundle],
  ['MLP-mixer', mlpBundle],
])('CPU reference mechanics (%s)', (_, bundle) => {
  const c = bundle.config;
  const calls = derivedSizes(c).callsPerStep;

  it('runs halt_max_steps steps and records preds, confidence, q, logits and the inner calls', () => {
    const t = solveReference(bundle, input, { recordLogits: true, recordInner: true });
    expect([t.batch, t.seqLen, t.vocab]).toEqual([2, c.seq_len, c.vocab_size]);
    expect(t.steps.map((s) => s.step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(t.cancelled).toBeUndefined();
    for (const s of t.steps) {
      for (let i = 0; i < 2 * c.seq_len; i++) {
        const l = Array.from(s.logits!.subarray(i * c.vocab_size, (i + 1) * c.vocab_size));
        const best = l.indexOf(Math.max(...l));
        expect(s.preds[i]).toBe(best);
        const z = l.reduce((a, v) => a + Math.exp(v - l[best]), 0);
        expect(s.confidence[i]).toBeCloseTo(1 / z, 6);
      }
      expect(s.inner!.map((x) => `${x.cycle}.${x.call}${x.target}`)).toEqual(
        Array.from({ length: calls }, (_, j) => `${Math.floor(j / (c.L_cycles + 1))}.${j % (c.L_cycles + 1)}${j % (c.L_cycles + 1) < c.L_cycles ? 'z' : 'y'}`),
      );
      expect(Array.from(s.inner![calls - 1].preds)).toEqual(Array.from(s.preds)); // the last call updates y
      for (const x of s.inner!) for (let b = 0; b < 2; b++) expect(x.yNorm[b]).toBeGreaterThan(0);
    }
    expect(t.haltStep).toEqual(Int32Array.from([0, 1].map((b) => t.steps.find((s) => s.qHalt[b] > 0)?.step ?? 0)));
  });

  it('gives each puzzle of a batch exactly the result it gets alone', () => {
    const both = solveReference(bundle, input, { steps: 3, recordLogits: true });
    for (const b of [0, 1]) {
      const alone = solveReference(bundle, row(b), { steps: 3, recordLogits: true });
      expect(alone.steps.length, `row ${b} steps`).toBe(3);
      alone.steps.forEach((s, k) => {
        const n = c.seq_len * c.vocab_size;
        expect(s.logits).toEqual(both.steps[k].logits!.slice(b * n, (b + 1) * n));
        expect(s.qHalt[0]).toBe(both.steps[k].qHalt[b]);
      });
    }
  });

  it('resumes from a carry snapshot bit for bit, numbering steps after it', () => {
    const trm = new ReferenceTrm(bundle);
    const run = new ReferenceRun(trm, input, { steps: 5, recordLogits: true });
    run.advance();
    run.advance();
    const carry = run.carry();
    expect(carry.afterStep).toBe(2);
    while (run.advance() === 'step');
    const resumed = solveReference(trm, input, { initialCarry: carry, steps: 5, recordLogits: true });
    expect(resumed.steps.map((s) => s.step)).toEqual([3, 4, 5]);
    resumed.steps.forEach((s, k) => expect(s.logits).toEqual(run.trace().steps[k + 2].logits));
    // A fresh carry is H_init / L_init at every position.
    const fresh = trm.initialCarry(2);
    const size = trm.stateSize;
    expect(Array.from(fresh.zH.subarray(size + c.hidden_size, size + 2 * c.hidden_size))).toEqual(Array.from(bundle.tensors.H_init.data));
    expect(rms(fresh.zL, 0, c.hidden_size)).toBeCloseTo(rms(bundle.tensors.L_init.data, 0, c.hidden_size), 6);
  });

  it('stepByCall yields once per network call and ends with the same step advance() gives', () => {
    const trm = new ReferenceTrm(bundle);
    const byCall = new ReferenceRun(trm, input, { steps: 2, recordLogits: true });
    const whole = new ReferenceRun(trm, input, { steps: 2, recordLogits: true });
    for (let k = 0; k < 2; k++) {
      const gen = byCall.stepByCall();
      let yields = 0;
      let r = gen.next();
      for (; !r.done; r = gen.next()) yields++;
      expect(yields).toBe(calls);
      expect(r.value).toBe('step');
      expect(whole.advance()).toBe('step');
    }
    expect(byCall.advance()).toBe('done');
    expect(byCall.trace().steps[1].logits).toEqual(whole.trace().steps[1].logits);
  });

  it('calls onStep after every step, in order', () => {
    const seen: number[] = [];
    solveReference(bundle, input, { steps: 4, onStep: (s: StepTrace) => seen.push(s.step) });
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});

describe('CPU reference halting, cancelling and errors', () => {
  it('early halt stops once every row has q_halt > 0; haltStep records the first such step', () => {
    const halting = tinyBundle(tinyConfig(), 1, [50, 0]);
    const early = solveReference(halting, input, { earlyHalt: true });
    expect(early.steps.length).toBe(1);
    expect(Array.from(early.haltStep)).toEqual([1, 1]);
    expect(solveReference(halting, input, { steps: 3 }).steps.length).toBe(3); // reported numbers run all steps
    const never = solveReference(tinyBundle(tinyConfig(), 1, [-50, 0]), input, { earlyHalt: true, steps: 4 });
    expect(never.steps.length).toBe(4);
    expect(Array.from(never.haltStep)).toEqual([0, 0]);
  });

  it('cancels between network calls and returns the complete steps with cancelled set', () => {
    const calls = derivedSizes(attBundle.config).callsPerStep;
    let checks = 0;
    const signal = { get aborted() { return ++checks > calls + 2; } } as AbortSignal;
    const t = solveReference(attBundle, input, { signal });
    expect(t.cancelled).toBe(true);
    expect(t.steps.length).toBe(1);
    expect(checks).toBe(calls + 3); // stopped at the third call of step 2
  });

  it('CpuEngine yields to the event loop between steps, so a timer can abort a solve', async () => {
    const engine = createCpuEngine(attBundle);
    expect(engine.kind).toBe('cpu');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    const t = await engine.solve(input, { signal: controller.signal });
    expect(t.cancelled).toBe(true);
    expect(t.steps.length).toBeGreaterThanOrEqual(1);
    expect(t.steps.length).toBeLessThan(16);
    const carry = (engine as CpuEngine).lastCarry!;
    expect(carry.afterStep).toBe(t.steps.length);
    const resumed = await engine.solve(input, { initialCarry: carry, recordLogits: true });
    expect(resumed.steps[0].step).toBe(t.steps.length + 1);
    expect(resumed.steps.at(-1)!.logits).toEqual(solveReference(attBundle, input, { recordLogits: true }).steps[15].logits);
    const full = await engine.solve(input, { steps: 2, recordLogits: true });
    expect(full.steps[1].logits).toEqual(solveReference(attBundle, input, { steps: 2, recordLogits: true }).steps[1].logits);
    engine.dispose();
    await expect(engine.solve(input)).rejects.toThrow(EngineUsageError);
  });

  it('runs a model with learned position embeddings (embed_pos), which change the result', () => {
    const learned = tinyBundle(tinyConfig({ pos_encodings: 'learned' }), 3);
    const t = solveReference(learned, input, { steps: 1, recordLogits: true });
    expect(t.steps[0].logits!.every(Number.isFinite)).toBe(true);
    const zeroPos = { ...learned, tensors: { ...learned.tensors, 'embed_pos.embedding_weight': { ...learned.tensors['embed_pos.embedding_weight'], data: new Float32Array(learned.tensors['embed_pos.embedding_weight'].data.length) } } };
    expect(solveReference(zeroPos, input, { steps: 1, recordLogits: true }).steps[0].logits).not.toEqual(t.steps[0].logits);
  });

  it('names bad inputs (EngineUsageError, as the WebGPU engine) and bad bundles', () => {
    expect(() => solveReference(attBundle, { tokens: new Int32Array(5), puzzleIds: Int32Array.from([0]) })).toThrow(/holds 5 values; 1 puzzles of seq_len 6 need 6/);
    expect(() => solveReference(attBundle, { tokens: new Int32Array(5), puzzleIds: Int32Array.from([0]) })).toThrow(EngineUsageError);
    expect(() => solveReference(attBundle, input, { steps: 1.5 })).toThrow(EngineUsageError);
    expect(() => solveReference(attBundle, { tokens: Int32Array.from([0, 0, 0, 0, 0, 9]), puzzleIds: Int32Array.from([0]) })).toThrow(/token 9 at cell 5/);
    expect(() => solveReference(attBundle, { tokens: new Int32Array(6), puzzleIds: Int32Array.from([3]) })).toThrow(/puzzle id 3/);
    const bad = { zH: new Float32Array(3), zL: new Float32Array(3), afterStep: 1 };
    expect(() => solveReference(attBundle, input, { initialCarry: bad })).toThrow(/initialCarry holds 3/);
    const missing = { ...attBundle, tensors: { ...attBundle.tensors } };
    delete missing.tensors['lm_head.weight'];
    expect(() => new CpuEngine(missing)).toThrow(BundleError);
  });
});
