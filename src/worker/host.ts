// What the solver worker does, as a class that Node tests can drive: parses models, hosts the engines, streams
// supervision steps back, and survives a lost GPU device (the engines of that device are dropped, a new device
// and engine are made, and the interrupted solve resumes from its last carry).
import type { ModelBundle } from '../core/bundle';
import { assertFiniteStep, type Carry, type StepTrace, type Trace } from '../core/trace';
import { chooseBackend, type GpuFacts, type StepTimes } from './backend-choice';
import { chooseEngine as defaultChooseEngine, gpuFacts as defaultGpuFacts, loseDeviceForTest, type ChosenEngine } from './engines';
import { describeModel, parseModel, NeedsConfirmation } from './modelLoader';
import { ENGINE_LABELS, errorMessage, type ConfirmedShape, type EngineKind, type FromWorker, type ModelSource, type ToWorker } from './protocol';
import { makeTries, triesWanted } from './tries';

export interface HostDeps {
  chooseEngine: (bundle: ModelBundle, kind: EngineKind, batch: number) => Promise<ChosenEngine>;
  /** Whether a GPU device can be had, and whether its adapter is a software one. */
  gpuFacts: () => Promise<GpuFacts>;
  /** Destroys the current GPU device (the page's test hook for a device loss). */
  loseDevice: () => Promise<void>;
}

/** A lost device is retried this often within one solve; a device that keeps getting lost is not worth chasing. */
export const MAX_DEVICE_RECOVERIES = 2;

const isDeviceLost = (e: unknown) => (e as Error | undefined)?.name === 'GpuDeviceLostError';

type Solve = Extract<ToWorker, { type: 'solve' }>;

export class SolverHost {
  private models = new Map<string, ModelBundle>();
  private engines = new Map<string, Promise<ChosenEngine>>();
  private solves = new Map<number, AbortController>();
  private waitingConfirm = new Map<number, (c: ConfirmedShape | null) => void>();
  private nextModel = 1;
  /** One step timed on each engine, per model (the adapter is the worker's for its whole life). */
  private stepTimes = new Map<string, StepTimes>();
  /** Test hook: destroy the device once a solve's step with this number has arrived. */
  private loseAfterStep: number | null = null;
  // Solves run one at a time: an engine's buffers serve one solve, and a cancelled solve may still be
  // finishing its current step when the next one is asked for.
  private queue: Promise<unknown> = Promise.resolve();
  private readonly deps: HostDeps;

  constructor(
    private readonly send: (msg: FromWorker, transfer?: Transferable[]) => void,
    deps: Partial<HostDeps> = {},
  ) {
    this.deps = { chooseEngine: defaultChooseEngine, gpuFacts: defaultGpuFacts, loseDevice: loseDeviceForTest, ...deps };
  }

  handle(msg: ToWorker): void {
    const fail = (err: unknown) => {
      const { name, message } = errorMessage(err);
      this.send({ type: 'error', requestId: 'requestId' in msg ? msg.requestId : 0, name, message });
    };
    switch (msg.type) {
      case 'load':
        this.load(msg.requestId, msg.source).catch(fail);
        break;
      case 'confirm-load':
        this.waitingConfirm.get(msg.requestId)?.(msg.confirmed);
        this.waitingConfirm.delete(msg.requestId);
        break;
      case 'solve':
        this.enqueueSolve(msg).catch(fail);
        break;
      case 'cancel':
        this.solves.get(msg.requestId)?.abort();
        break;
      case 'unload':
        this.disposeModel(msg.modelId);
        break;
      case 'test-lose-device':
        this.loseAfterStep = msg.afterStep;
        break;
    }
  }

  private engineFor(modelId: string, kind: EngineKind, batch: number): Promise<ChosenEngine> {
    const key = `${modelId}:${kind}:${batch}`;
    let e = this.engines.get(key);
    if (!e) {
      e = this.deps.chooseEngine(this.models.get(modelId)!, kind, batch);
      e.catch(() => this.engines.delete(key));
      this.engines.set(key, e);
    }
    return e;
  }

  /** Forgets every WebGPU engine (their device is gone); the next solve asks for a new device. */
  private async dropGpuEngines(): Promise<void> {
    for (const [key, e] of [...this.engines]) {
      const chosen = await e.catch(() => null);
      if (chosen?.kind !== 'webgpu') continue;
      this.engines.delete(key);
      chosen.engine.dispose();
    }
  }

  private async load(requestId: number, source: ModelSource) {
    let confirmed = source.format === 'official' ? source.confirmed : undefined;
    for (;;) {
      try {
        const bundle = await parseModel(source, confirmed);
        const id = `m${this.nextModel++}`;
        this.models.set(id, bundle);
        this.send({ type: 'loaded', requestId, info: await describeModel(id, source, bundle) });
        return;
      } catch (e) {
        if (!(e instanceof NeedsConfirmation)) throw e;
        this.send({ type: 'needs-confirmation', requestId, request: e.request });
        const answer = await new Promise<ConfirmedShape | null>((resolve) => this.waitingConfirm.set(requestId, resolve));
        if (!answer) throw new Error('loading was stopped because n and T were not confirmed.');
        confirmed = answer;
      }
    }
  }

  private enqueueSolve(msg: Solve): Promise<void> {
    const abort = new AbortController();
    this.solves.set(msg.requestId, abort);
    const run = this.queue.then(() => this.solve(msg, abort));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async solve(msg: Solve, abort: AbortController) {
    const { requestId } = msg;
    try {
      if (abort.signal.aborted) {
        this.send({ type: 'done', requestId, haltStep: 0, cancelled: true });
        return;
      }
      const bundle = this.models.get(msg.modelId);
      if (!bundle) throw new Error('That model is no longer loaded; load it again.');
      const gpu: GpuFacts = msg.engine === 'cpu' || msg.engine === 'wasm' ? { available: false, software: false, description: 'not asked' } : await this.deps.gpuFacts();
      let decision = chooseBackend(msg.engine, gpu, this.stepTimes.get(msg.modelId));
      if (decision.measure) {
        this.send({
          type: 'engine', requestId, kind: 'webgpu', views: 1,
          notice: `Software GPU (${gpu.description}): timing one supervision step on it and on the CPU engine, once for this model, to solve on the faster.`,
        });
        const times = await this.timeOneStep(msg, bundle);
        if (times) this.stepTimes.set(msg.modelId, times);
        decision = times ? chooseBackend(msg.engine, gpu, times) : { kind: 'wasm', measure: false };
      }
      const count = triesWanted(bundle, msg.puzzleIds[0], msg.views, decision.kind);
      const tries = makeTries(bundle, msg.tokens, msg.puzzleIds, count);
      let chosen = await this.engineFor(msg.modelId, decision.kind, tries.count);
      const notice = [decision.notice, chosen.notice].filter(Boolean).join(' ') || undefined;
      this.send({ type: 'engine', requestId, kind: chosen.kind, notice, views: tries.count });
      let haltStep = 0;
      const onStep = (step: StepTrace) => {
        assertFiniteStep(step); // a NaN answer is not shown as one: the solve stops with the reason
        const out = tries.merge(step);
        if (!haltStep && out.qHalt[0] > 0) haltStep = out.step;
        this.send({ type: 'step', requestId, step: out }, stepBuffers(out));
        if (this.loseAfterStep === out.step) {
          this.loseAfterStep = null;
          void this.deps.loseDevice();
        }
      };
      let carry: Carry | undefined;
      let trace: Trace;
      for (let recovered = 0; ; recovered++) {
        try {
          trace = await chosen.engine.solve(tries.input, {
            steps: msg.steps, initialCarry: carry, recordInner: msg.recordInner && !tries.dropsInner, signal: abort.signal, onStep,
          });
          break;
        } catch (e) {
          if (!isDeviceLost(e) || abort.signal.aborted || recovered >= MAX_DEVICE_RECOVERIES) throw e;
          // The steps already sent stay valid: resume after the last complete one, on a new device.
          carry = chosen.engine.lastCarry ?? carry;
          await this.dropGpuEngines();
          chosen = await this.engineFor(msg.modelId, decision.kind, tries.count);
          const after = carry?.afterStep ?? 0;
          const where = chosen.kind === 'webgpu' ? 'a new GPU device' : `the ${ENGINE_LABELS[chosen.kind]}`;
          const lost =
            `The GPU device was lost ${after ? `after step ${after}` : 'before the first step'}; ` +
            `the solve resumed ${after ? `from step ${after}'s state ` : ''}on ${where}.`;
          this.send({ type: 'engine', requestId, kind: chosen.kind, notice: chosen.notice ? `${lost} ${chosen.notice}` : lost, views: tries.count });
        }
      }
      this.send({ type: 'done', requestId, haltStep, cancelled: !!trace.cancelled || abort.signal.aborted });
    } catch (e) {
      if (abort.signal.aborted) this.send({ type: 'done', requestId, haltStep: 0, cancelled: true });
      else throw e;
    } finally {
      this.solves.delete(requestId);
    }
  }

  /**
   * One supervision step on each engine, each at the tries it would run, on this puzzle: what a solve costs the
   * user on each. The engines stay cached for the solve that follows. Undefined when WebGPU fails to start.
   */
  private async timeOneStep(msg: Solve, bundle: ModelBundle): Promise<StepTimes | undefined> {
    const time = async (kind: EngineKind) => {
      const tries = makeTries(bundle, msg.tokens, msg.puzzleIds, triesWanted(bundle, msg.puzzleIds[0], msg.views, kind));
      const chosen = await this.engineFor(msg.modelId, kind, tries.count);
      if (chosen.kind !== kind) return undefined;
      const t0 = performance.now();
      await chosen.engine.solve(tries.input, { steps: 1 });
      return { ms: performance.now() - t0, tries: tries.count };
    };
    const gpu = await time('webgpu');
    const cpu = gpu && (await time('wasm'));
    return gpu && cpu ? { webgpuMs: gpu.ms, webgpuTries: gpu.tries, wasmMs: cpu.ms, wasmTries: cpu.tries } : undefined;
  }

  private disposeModel(modelId: string) {
    this.models.delete(modelId);
    this.stepTimes.delete(modelId);
    for (const [key, e] of this.engines) {
      if (!key.startsWith(`${modelId}:`)) continue;
      this.engines.delete(key);
      // After the solves already queued: one of them may still be using this engine.
      this.queue = this.queue.then(() => e.then((c) => c.engine.dispose(), () => undefined));
    }
  }
}

function stepBuffers(s: StepTrace): Transferable[] {
  const list: Transferable[] = [s.preds.buffer, s.confidence.buffer, s.qHalt.buffer, s.qContinue.buffer];
  for (const i of s.inner ?? []) list.push(i.preds.buffer, i.yNorm.buffer, i.zNorm.buffer);
  if (s.views) list.push(s.views.shown.buffer, s.views.valid.buffer);
  return list as Transferable[];
}
