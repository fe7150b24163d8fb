// The CPU reference as a TrmEngine: the same Trace as the WebGPU engine, computed in plain TypeScript.
// solve() yields to the event loop between supervision steps, and also between network calls once a
// step has run for TIME_SLICE_MS (a full-size model takes seconds per call), so a page or a worker's
// message queue stays responsive and an AbortSignal raised meanwhile is seen before the next call.
import { validateBundle, type ModelBundle } from '../bundle';
import { EngineUsageError } from '../engine-errors';
import type { Carry, SolveInput, SolveOptions, Trace, TrmEngine } from '../trace';
import type { TrmNetwork } from './network';
import { ReferenceRun, ReferenceTrm } from './trm';

const TIME_SLICE_MS = 50;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A network the engine owns and releases with itself (the wasm engine's memory and threads). */
export interface OwnedNetwork extends TrmNetwork {
  dispose?(): void;
}

/**
 * The recursion, heads and trace of the reference around a network: the TypeScript reference's own (kind
 * 'cpu'), or the wasm kernels' (kind 'wasm', made by src/wasm/engine.ts).
 */
export class CpuEngine implements TrmEngine {
  readonly kind: 'cpu' | 'wasm';
  private trm: ReferenceTrm | null;
  private run: ReferenceRun | null = null;
  private readonly network?: OwnedNetwork;

  constructor(bundle: ModelBundle, network?: OwnedNetwork, kind: 'cpu' | 'wasm' = 'cpu') {
    this.trm = new ReferenceTrm(validateBundle(bundle), network);
    this.network = network;
    this.kind = kind;
  }

  async solve(input: SolveInput, options: SolveOptions = {}): Promise<Trace> {
    if (!this.trm) throw new EngineUsageError('This CpuEngine was disposed; create a new one with createCpuEngine(bundle).');
    const run = new ReferenceRun(this.trm, input, options);
    this.run = run;
    let sliceStart = performance.now();
    for (;;) {
      const calls = run.stepByCall();
      let r = calls.next();
      while (!r.done) {
        if (performance.now() - sliceStart > TIME_SLICE_MS) {
          await yieldToEventLoop();
          sliceStart = performance.now();
        }
        r = calls.next();
      }
      if (r.value !== 'step') return run.trace();
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }

  /** The carry after the last complete step of the latest solve (a resume point, also after a cancel). */
  get lastCarry(): Carry | null {
    return this.run?.carry() ?? null;
  }

  dispose(): void {
    this.network?.dispose?.();
    this.trm = null;
    this.run = null;
  }
}

export function createCpuEngine(bundle: ModelBundle): TrmEngine {
  return new CpuEngine(bundle);
}
