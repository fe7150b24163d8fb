// The worker's host class, driven in Node: a lost GPU device mid-solve drops that device's engines, a new engine
// takes over from the last carry, and the streamed answer is the uninterrupted one; errors keep their class names.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../src/core/bundle';
import { createWasmEngine } from '../../src/wasm/engine';
import { CpuEngine } from '../../src/core/reference';
import { loadAppModel, saveAppModel } from '../../src/core/weights/app-format';
import { encodeSudoku, parseSudoku } from '../../src/core/tasks';
import type { SolveInput, SolveOptions, StepTrace, Trace, TrmEngine } from '../../src/core/trace';
import type { ChosenEngine } from '../../src/worker/engines';
import { SolverHost } from '../../src/worker/host';
import { triesWanted } from '../../src/worker/tries';
import { errorFromWorker, type FromWorker, type ModelInfo } from '../../src/worker/protocol';
import { fixturesDir } from './reference-helpers';

const PUZZLE = '530070000600195000098000060800060003400803001700020006060000280000419005000080079';

class DeviceLost extends Error {
  constructor() {
    super('The GPU device was lost (destroyed: test)');
    this.name = 'GpuDeviceLostError';
  }
}

/** A CPU engine that plays a GPU engine whose device is lost after step `loseAfter` (its lastCarry survives). */
class LosingEngine implements TrmEngine {
  readonly kind = 'webgpu' as const;
  readonly inner: CpuEngine;
  disposed = false;
  constructor(bundle: ModelBundle, private loseAfter: number | null) {
    this.inner = new CpuEngine(bundle);
  }
  get lastCarry() {
    return this.inner.lastCarry;
  }
  async solve(input: SolveInput, options: SolveOptions = {}): Promise<Trace> {
    if (this.loseAfter === null) return this.inner.solve(input, options);
    await this.inner.solve(input, { ...options, steps: this.loseAfter });
    throw new DeviceLost();
  }
  dispose() {
    this.disposed = true;
  }
}

function harness(plan: (number | null)[]) {
  const messages: FromWorker[] = [];
  const made: LosingEngine[] = [];
  const host = new SolverHost((m) => messages.push(m), {
    chooseEngine: async (bundle): Promise<ChosenEngine> => {
      const e = new LosingEngine(bundle, plan[made.length] ?? null);
      made.push(e);
      return { engine: e, kind: 'webgpu' };
    },
    gpuFacts: async () => ({ available: true, software: false, description: 'test adapter' }),
    loseDevice: async () => undefined,
  });
  const until = async (pred: (m: FromWorker) => boolean) => {
    for (let i = 0; i < 2000 && !messages.some(pred); i++) await new Promise((r) => setTimeout(r, 5));
    return messages.find(pred)!;
  };
  return { host, messages, made, until };
}

async function loadAndSolve(plan: (number | null)[]) {
  const h = harness(plan);
  const bytes = readFileSync(path.join(fixturesDir, 'sudoku-mlp-h64', 'model.safetensors'));
  h.host.handle({ type: 'load', requestId: 1, source: { format: 'app', name: 'fixture', bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) } });
  const loaded = (await h.until((m) => m.type === 'loaded' || m.type === 'error')) as Extract<FromWorker, { type: 'loaded' }>;
  expect(loaded.type).toBe('loaded');
  const info: ModelInfo = loaded.info;
  h.host.handle({
    type: 'solve', requestId: 2, modelId: info.id, tokens: encodeSudoku(parseSudoku(PUZZLE)), puzzleIds: Int32Array.of(0),
    steps: 6, recordInner: false, engine: 'auto', views: 1,
  });
  await h.until((m) => m.requestId === 2 && (m.type === 'done' || m.type === 'error'));
  const steps = h.messages.filter((m): m is Extract<FromWorker, { type: 'step' }> => m.type === 'step').map((m) => m.step);
  return { ...h, steps, modelId: info.id };
}

const predsOf = (steps: StepTrace[]) => steps.map((s) => [s.step, Array.from(s.preds)]);

describe('SolverHost', () => {
  it('resumes a solve whose GPU device was lost from the last carry, with the uninterrupted answer', async () => {
    const clean = await loadAndSolve([null]);
    const lost = await loadAndSolve([3, null]);
    expect(lost.messages.find((m) => m.type === 'error')).toBeUndefined();
    expect(lost.messages.filter((m) => m.type === 'done')).toEqual([{ type: 'done', requestId: 2, haltStep: expect.any(Number), cancelled: false }]);
    expect(predsOf(lost.steps)).toEqual(predsOf(clean.steps)); // steps 1..6, each once
    expect(lost.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lost.made.length).toBe(2);
    expect(lost.made[0].disposed).toBe(true); // the lost device's engine is dropped
    const notices = lost.messages.filter((m): m is Extract<FromWorker, { type: 'engine' }> => m.type === 'engine');
    expect(notices.length).toBe(2);
    expect(notices[1].notice).toMatch(/GPU device was lost after step 3; the solve resumed from step 3's state on a new GPU device/);
  });

  it('a device lost again and again ends the solve with the error, named', async () => {
    const r = await loadAndSolve([2, 2, 2, 2]);
    const err = r.messages.find((m) => m.type === 'error') as Extract<FromWorker, { type: 'error' }>;
    expect(err?.name).toBe('GpuDeviceLostError');
    expect(r.made.length).toBe(3); // the first try and MAX_DEVICE_RECOVERIES more
    expect(errorFromWorker(err.name, err.message).name).toBe('GpuDeviceLostError');
  });

  it('a model whose outputs are not finite stops the solve with NonFiniteOutputError, not NaN answers', async () => {
    const bytes = readFileSync(path.join(fixturesDir, 'sudoku-mlp-h64', 'model.safetensors'));
    const model = await loadAppModel(new Uint8Array(bytes));
    for (const t of Object.values(model.tensors)) for (let i = 0; i < t.data.length; i++) t.data[i] *= 1e36; // finite, but overflows
    const huge = saveAppModel(model);
    const h = harness([null]);
    h.host.handle({ type: 'load', requestId: 1, source: { format: 'app', name: 'huge', bytes: huge.buffer } });
    const loaded = (await h.until((m) => m.type === 'loaded' || m.type === 'error')) as Extract<FromWorker, { type: 'loaded' }>;
    expect(loaded.type).toBe('loaded');
    h.host.handle({
      type: 'solve', requestId: 2, modelId: loaded.info.id, tokens: encodeSudoku(parseSudoku(PUZZLE)), puzzleIds: Int32Array.of(0),
      steps: 3, recordInner: false, engine: 'auto', views: 1,
    });
    const end = (await h.until((m) => m.requestId === 2 && (m.type === 'done' || m.type === 'error'))) as Extract<FromWorker, { type: 'error' }>;
    expect(end.type).toBe('error');
    expect(end.name).toBe('NonFiniteOutputError');
    expect(end.message).toMatch(/step 1 are not finite/);
    expect(h.messages.filter((m) => m.type === 'step')).toEqual([]);
  });

  it('cancel stops within a step and leaves nothing behind: the next solve runs on the same engine, all its steps', async () => {
    const h = harness([null]);
    const bytes = readFileSync(path.join(fixturesDir, 'sudoku-mlp-h64', 'model.safetensors'));
    h.host.handle({ type: 'load', requestId: 1, source: { format: 'app', name: 'f', bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) } });
    const loaded = (await h.until((m) => m.type === 'loaded')) as Extract<FromWorker, { type: 'loaded' }>;
    const solve = (requestId: number) =>
      h.host.handle({
        type: 'solve', requestId, modelId: loaded.info.id, tokens: encodeSudoku(parseSudoku(PUZZLE)), puzzleIds: Int32Array.of(0),
        steps: 16, recordInner: false, engine: 'auto', views: 1,
      });
    const stepsOf = (id: number) => h.messages.filter((m) => m.type === 'step' && m.requestId === id).length;
    solve(2);
    await h.until((m) => m.type === 'step' && m.requestId === 2 && m.step.step === 2);
    h.host.handle({ type: 'cancel', requestId: 2 });
    solve(3); // asked at once, as the Solve button after Cancel
    const done2 = (await h.until((m) => m.type === 'done' && m.requestId === 2)) as Extract<FromWorker, { type: 'done' }>;
    expect(done2.cancelled).toBe(true);
    expect(stepsOf(2)).toBeLessThanOrEqual(3); // the step in flight at most
    await h.until((m) => m.requestId === 3 && (m.type === 'done' || m.type === 'error'));
    expect(stepsOf(3)).toBe(16);
    expect(h.made.length).toBe(1); // one engine for both: no second set of buffers
  });

  it('auto on a software GPU times one step on each engine once, then solves on the faster, saying why', async () => {
    const messages: FromWorker[] = [];
    const kinds: string[] = [];
    const host = new SolverHost((m) => messages.push(m), {
      gpuFacts: async () => ({ available: true, software: true, description: 'google / swiftshader' }),
      chooseEngine: async (bundle, kind): Promise<ChosenEngine> => {
        kinds.push(kind);
        const inner = kind === 'wasm' ? await createWasmEngine(bundle) : new CpuEngine(bundle);
        // The "GPU" here is the CPU reference slowed by 200 ms a solve: a software adapter slower than the CPU engine.
        const engine: TrmEngine =
          kind === 'wasm'
            ? inner
            : { kind: 'webgpu', solve: async (i, o) => (await new Promise((r) => setTimeout(r, 200)), inner.solve(i, o)), dispose: () => undefined };
        return { engine, kind };
      },
      loseDevice: async () => undefined,
    });
    const bytes = readFileSync(path.join(fixturesDir, 'sudoku-mlp-h64', 'model.safetensors'));
    host.handle({ type: 'load', requestId: 1, source: { format: 'app', name: 'f', bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) } });
    const wait = async (pred: (m: FromWorker) => boolean) => {
      for (let i = 0; i < 2000 && !messages.some(pred); i++) await new Promise((r) => setTimeout(r, 5));
      return messages.find(pred)!;
    };
    const loaded = (await wait((m) => m.type === 'loaded')) as Extract<FromWorker, { type: 'loaded' }>;
    const solve = (requestId: number) =>
      host.handle({
        type: 'solve', requestId, modelId: loaded.info.id, tokens: encodeSudoku(parseSudoku(PUZZLE)), puzzleIds: Int32Array.of(0),
        steps: 2, recordInner: false, engine: 'auto', views: 'auto',
      });
    solve(2);
    await wait((m) => m.type === 'done' && m.requestId === 2);
    const engines = messages.filter((m): m is Extract<FromWorker, { type: 'engine' }> => m.type === 'engine' && m.requestId === 2);
    expect(engines[0].notice).toMatch(/timing one supervision step on it and on the CPU engine/); // said while it times
    const engine = engines[engines.length - 1];
    expect(engine.kind).toBe('wasm');
    expect(engine.views).toBe(triesWanted(await loadAppModel(new Uint8Array(bytes)), 0, 'auto', 'wasm')); // the CPU engine's tries on auto
    expect(engine.views).toBeGreaterThan(1);
    expect(engine.notice).toMatch(/^Software GPU \(google \/ swiftshader\): one step took .* on it \(8 tries\) and .* on the CPU engine \(\d+ tries\), so the CPU engine \(WebAssembly\) solves/);
    expect(kinds).toEqual(['webgpu', 'wasm']);
    solve(3); // the times are kept: no second measurement, the same CPU engine
    await wait((m) => m.type === 'done' && m.requestId === 3);
    expect(kinds).toEqual(['webgpu', 'wasm']);
  });

  it('a model file that is not one fails with its error class and a bounded message', async () => {
    const h = harness([null]);
    const junk = new TextEncoder().encode('x'.repeat(200_000)).buffer;
    h.host.handle({ type: 'load', requestId: 7, source: { format: 'app', name: 'junk.safetensors', bytes: junk } });
    const err = (await h.until((m) => m.type === 'error')) as Extract<FromWorker, { type: 'error' }>;
    expect(err.name).not.toBe('Error');
    expect(err.name).toMatch(/Error$/);
    expect(err.message.length).toBeLessThanOrEqual(2100);
  });
});
