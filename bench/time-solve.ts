// The timing both engine columns share: one untimed solve of `warmup` steps (which also records step 1's logits
// for the agreement check), then one solve of `steps` steps timed as a whole and divided by `steps`.
import type { SolveInput, TrmEngine } from '../src/core/trace';

export async function timeSolve(engine: TrmEngine, input: SolveInput, steps: number, warmup: number): Promise<{ msPerStep: number; firstLogits?: Float32Array }> {
  const warm = warmup > 0 ? await engine.solve(input, { steps: warmup, recordLogits: true }) : undefined;
  const t0 = performance.now();
  const trace = await engine.solve(input, { steps });
  const msPerStep = (performance.now() - t0) / steps;
  if (trace.steps.length !== steps) throw new Error(`the engine ran ${trace.steps.length} steps, ${steps} were asked`);
  if (!trace.steps.every((s) => s.qHalt.every(Number.isFinite))) throw new Error('the engine produced a non-finite q_halt');
  return { msPerStep, firstLogits: warm?.steps[0].logits };
}
