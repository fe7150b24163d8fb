// Times the CPU reference (src/core/reference): plain TypeScript f32, single-threaded, so slow that one
// timed step is the default. Same code in Node and in the page.
import type { ModelBundle } from '../src/core/bundle';
import { ReferenceRun, ReferenceTrm } from '../src/core/reference';
import type { SolveInput } from '../src/core/trace';

/** Mean ms per supervision step over `steps` steps (no warm-up: nothing is compiled or cached), and the
 * logits of step 1 [B·seq_len·vocab], against which the other columns are checked. */
export function timeCpuReference(bundle: ModelBundle, input: SolveInput, steps: number): { msPerStep: number; firstLogits: Float32Array } {
  const trm = new ReferenceTrm(bundle);
  const run = new ReferenceRun(trm, input, { steps, recordLogits: true });
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) run.advance();
  const msPerStep = (performance.now() - t0) / steps;
  return { msPerStep, firstLogits: run.trace().steps[0].logits! };
}
