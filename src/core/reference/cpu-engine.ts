// The CPU reference as a TrmEngine: the same Trace as the WebGPU engine, computed in plain TypeScript.
// solve() yields to the event loop between supervision steps so a page (or worker message queue)
// stays responsive and an AbortSignal raised meanwhile is seen before the next network call.
import { validateBundle, type ModelBundle } from '../bundle';
import type { SolveInput, SolveOptions, Trace, TrmEngine } from '../trace';
import { ReferenceRun, ReferenceTrm } from './trm';

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export class CpuEngine implements TrmEngine {
  readonly kind = 'cpu' as const;
  private trm: ReferenceTrm | null;

  constructor(bundle: ModelBundle) {
    this.trm = new ReferenceTrm(validateBundle(bundle));
  }

  async solve(input: SolveInput, options: SolveOptions = {}): Promise<Trace> {
    if (!this.trm) throw new Error('This CpuEngine was disposed; create a new one with createCpuEngine(bundle).');
    const run = new ReferenceRun(this.trm, input, options);
    while (run.advance() === 'step') await yieldToEventLoop();
    return run.trace();
  }

  dispose(): void {
    this.trm = null;
  }
}

export function createCpuEngine(bundle: ModelBundle): TrmEngine {
  return new CpuEngine(bundle);
}
