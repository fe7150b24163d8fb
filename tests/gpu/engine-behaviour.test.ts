// Engine behaviour beyond numerics: batches equal per-row solves, the trace equals the CPU engine's,
// cancellation, early halt, resuming, the limits check before allocation, device loss, usage errors.
// All on the small tiny4-att-h32 fixture (4×4 grid, hidden 32, batch 2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../src/core/bundle';
import { CpuEngine, solveReference, type ReferenceInnerTrace } from '../../src/core/reference';
import type { Trace } from '../../src/core/trace';
import { EngineUsageError, GpuDeviceLostError, GpuLimitError, WebGpuEngine } from '../../src/gpu';
import { engineSizes } from '../../src/gpu/plan';
import { innerPredMismatches } from '../unit/reference-helpers';
import { loadFixture, type LoadedFixture } from './fixture-helpers';
import { gpuDevice, maxAbsDiff, shaders } from './helpers';

let device: GPUDevice;
let fx: LoadedFixture;
let engine: WebGpuEngine;
beforeAll(async () => {
  device = (await gpuDevice()).device;
  fx = await loadFixture('tiny4-att-h32');
  engine = await WebGpuEngine.create(device, fx.bundle, { batch: 2, shaders });
});
afterAll(() => {
  engine?.dispose();
  device?.destroy();
});

const row = (b: number) => ({ tokens: fx.input.tokens.slice(b * 16, (b + 1) * 16), puzzleIds: fx.input.puzzleIds.slice(b, b + 1) });

function expectSameSteps(a: Trace, b: Trace, tol: number): void {
  expect(a.steps.map((s) => s.step)).toEqual(b.steps.map((s) => s.step));
  a.steps.forEach((s, i) => {
    expect(maxAbsDiff(s.logits!, b.steps[i].logits!), `step ${s.step} logits`).toBeLessThanOrEqual(tol);
    expect(Array.from(s.preds)).toEqual(Array.from(b.steps[i].preds));
    expect(maxAbsDiff(s.qHalt, b.steps[i].qHalt)).toBeLessThanOrEqual(tol);
  });
}

describe('WebGPU engine behaviour', () => {
  it('a batch of 2 equals two solves of batch 1', async () => {
    const both = await engine.solve(fx.input, { steps: 3, recordLogits: true });
    expect(both.steps.length).toBe(3);
    const single = await WebGpuEngine.create(device, fx.bundle, { batch: 1, shaders });
    try {
      for (let b = 0; b < 2; b++) {
        const one = await single.solve(row(b), { steps: 3, recordLogits: true });
        expect(one.steps.length, `row ${b} steps`).toBe(3);
        one.steps.forEach((s, i) => {
          const mine = both.steps[i];
          expect(maxAbsDiff(s.logits!, mine.logits!.subarray(b * 16 * 6, (b + 1) * 16 * 6)), `row ${b} step ${i + 1}`).toBeLessThanOrEqual(1e-6);
          expect(Array.from(s.preds)).toEqual(Array.from(mine.preds.subarray(b * 16, (b + 1) * 16)));
          expect(s.qHalt[0]).toBeCloseTo(mine.qHalt[b], 6);
        });
      }
    } finally {
      single.dispose();
    }
  });

  it('returns the same trace as the CPU engine: preds, confidence, q, halting, inner y/z norms and preds', async () => {
    const gpu = await engine.solve(fx.input, { steps: 2, recordLogits: true, recordInner: true });
    const cpu = solveReference(fx.bundle, fx.input, { steps: 2, recordLogits: true, recordInner: true, recordInnerLogits: true });
    expect([gpu.batch, gpu.seqLen, gpu.vocab]).toEqual([cpu.batch, cpu.seqLen, cpu.vocab]);
    expect(Array.from(gpu.haltStep)).toEqual(Array.from(cpu.haltStep));
    expect([gpu.steps.length, cpu.steps.length]).toEqual([2, 2]);
    gpu.steps.forEach((s, i) => {
      const c = cpu.steps[i];
      expect(s.step).toBe(c.step);
      expect(maxAbsDiff(s.logits!, c.logits!)).toBeLessThanOrEqual(1e-4);
      expect(Array.from(s.preds)).toEqual(Array.from(c.preds));
      expect(maxAbsDiff(s.confidence, c.confidence)).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(s.qHalt, c.qHalt)).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(s.qContinue, c.qContinue)).toBeLessThanOrEqual(1e-4);
      expect(s.inner!.length).toBe(c.inner!.length);
      s.inner!.forEach((g, j) => {
        const r = c.inner![j] as ReferenceInnerTrace;
        expect([g.cycle, g.call, g.target]).toEqual([r.cycle, r.call, r.target]);
        expect(maxAbsDiff(g.yNorm, r.yNorm)).toBeLessThanOrEqual(1e-4);
        expect(maxAbsDiff(g.zNorm, r.zNorm)).toBeLessThanOrEqual(1e-4);
        const refPreds = [0, 1].map((b) => Array.from(r.preds.subarray(b * 16, (b + 1) * 16)));
        expect(innerPredMismatches(g.preds, r.logits!, refPreds, 16, 6, 1e-4)).toEqual([]);
      });
    });
  });

  it('cancels between steps, keeps the carry of the last step, and resumes from it exactly', async () => {
    const full = await engine.solve(fx.input, { steps: 4, recordLogits: true });
    const ctl = new AbortController();
    const cut = await engine.solve(fx.input, { steps: 16, recordLogits: true, signal: ctl.signal, onStep: (s) => s.step === 2 && ctl.abort() });
    expect(cut.cancelled).toBe(true);
    expect(cut.steps.map((s) => s.step)).toEqual([1, 2]);
    expectSameSteps(cut, { ...full, steps: full.steps.slice(0, 2) }, 0);
    const carry = engine.lastCarry!;
    expect(carry.afterStep).toBe(2);
    const rest = await engine.solve(fx.input, { initialCarry: carry, steps: 4, recordLogits: true });
    expectSameSteps(rest, { ...full, steps: full.steps.slice(2) }, 0);

    const pre = new AbortController();
    pre.abort();
    const none = await engine.solve(fx.input, { signal: pre.signal });
    expect(none.cancelled).toBe(true);
    expect(none.steps.length).toBe(0);
  });

  it('stops early when every row halts (q_halt > 0) and records the halting step', async () => {
    const eager: ModelBundle = { ...fx.bundle, tensors: { ...fx.bundle.tensors, 'q_head.bias': { shape: [2], data: Float32Array.from([50, 0]) } } };
    const e = await WebGpuEngine.create(device, eager, { batch: 2, shaders });
    try {
      const t = await e.solve(fx.input, { earlyHalt: true });
      expect(t.steps.length).toBe(1);
      expect(Array.from(t.haltStep)).toEqual([1, 1]);
      const all = await e.solve(fx.input, { steps: 3 });
      expect(all.steps.length).toBe(3);
      expect(Array.from(all.haltStep)).toEqual([1, 1]);
    } finally {
      e.dispose();
    }
  });

  it('rejects a batch whose buffers exceed the adapter limits before allocating anything', async () => {
    const z = engineSizes(fx.bundle.config, 1);
    const batch = Math.ceil(device.limits.maxStorageBufferBindingSize / (z.S * z.inter * 4)) + 1;
    const original = device.createBuffer.bind(device);
    let created = 0;
    const spy = new Proxy(device, {
      get(target, prop) {
        if (prop === 'createBuffer') return (d: GPUBufferDescriptor) => (created++, original(d));
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const err = await WebGpuEngine.create(spy, fx.bundle, { batch, shaders }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpuLimitError);
    expect((err as GpuLimitError).buffer).toBe('channel SwiGLU activations');
    expect((err as Error).message).toMatch(/maxStorageBufferBindingSize.*smaller batch/);
    expect(created).toBe(0);
  });

  it('reports usage errors with the remedy', async () => {
    await expect(engine.solve(row(0))).rejects.toThrow(EngineUsageError);
    await expect(engine.solve(row(0))).rejects.toThrow(/options.batch = 1/);
    const bad = { tokens: fx.input.tokens.map((t, i) => (i === 3 ? 99 : t)), puzzleIds: fx.input.puzzleIds };
    await expect(engine.solve(bad)).rejects.toThrow(/outside the vocabulary/);
  });

  it('turns a device loss into GpuDeviceLostError and resumes on a new device from lastCarry', async () => {
    const reference = await engine.solve(fx.input, { steps: 4, recordLogits: true });
    const doomed = (await gpuDevice()).device;
    const e = await WebGpuEngine.create(doomed, fx.bundle, { batch: 2, shaders });
    const err = await e.solve(fx.input, { steps: 16, recordLogits: true, onStep: (s) => s.step === 2 && doomed.destroy() }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(GpuDeviceLostError);
    expect((err as Error).message).toMatch(/resume from the last carry/);
    const carry = e.lastCarry!;
    expect(carry.afterStep).toBe(2);
    await expect(e.solve(fx.input)).rejects.toThrow(GpuDeviceLostError);
    const fresh = (await gpuDevice()).device;
    const again = await WebGpuEngine.create(fresh, fx.bundle, { batch: 2, shaders });
    try {
      const rest = await again.solve(fx.input, { initialCarry: carry, steps: 4, recordLogits: true });
      expectSameSteps(rest, { ...reference, steps: reference.steps.slice(2) }, 0);
    } finally {
      again.dispose();
      fresh.destroy();
    }
  });

  it('the CPU engine and the WebGPU engine agree on cancellation semantics', async () => {
    const cpu = new CpuEngine(fx.bundle);
    const ctl = new AbortController();
    const t = await cpu.solve(fx.input, { steps: 3, signal: ctl.signal, onStep: (s) => s.step === 1 && ctl.abort() });
    expect(t.cancelled).toBe(true);
    expect(t.steps.length).toBe(1);
  });
});
