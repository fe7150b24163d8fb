// Times the CPU reference (src/core/reference): plain TypeScript f32, single-threaded, so slow that one
// timed step is the default. Same code in Node and in the page.
import type { ModelBundle } from '../src/core/bundle';
import { ReferenceRun, ReferenceTrm } from '../src/core/reference';
import type { SolveInput } from '../src/core/trace';

/** Mean ms per supervision step over `steps` steps (no warm-up: nothing is compiled or cached). */
export function timeCpuReference(bundle: ModelBundle, input: SolveInput, steps: number): number {
  const trm = new ReferenceTrm(bundle);
  const run = new ReferenceRun(trm, input, { steps });
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) run.advance();
  return (performance.now() - t0) / steps;
}
