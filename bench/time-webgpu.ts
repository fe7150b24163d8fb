// Times our WGSL engine (src/gpu): `WebGpuEngine.create(device, bundle, { batch, shaders })`, one
// untimed solve of `warmup` steps, then one solve of `steps` steps timed as a whole (upload of the
// inputs, the steps, the trace read-back of every step: what a user waits for), divided by `steps`.
// The per-step carry snapshot is off (snapshotCarry: false): the carry stays on the GPU, as it does in
// the ONNX Runtime column; preds, confidences and q still come back every step.
// The engine module is loaded by the caller (Vite glob in the page, a plain import in Node), so the
// benchmark runs — with the column explaining itself — before src/gpu/index.ts exists.
import type { ModelBundle } from '../src/core/bundle';
import type { SolveInput, TrmEngine } from '../src/core/trace';
import { requestTrmDevice, type TrmDevice } from '../src/gpu/device';
import type { ShaderSources } from '../src/gpu/shaders';
import type { WebGpuTimer } from './run-case';

/** The part of src/gpu/index.ts the benchmark uses. */
export interface EngineModule {
  WebGpuEngine?: {
    create(device: GPUDevice, bundle: ModelBundle, options: { batch: number; shaders: ShaderSources; snapshotCarry?: boolean }): Promise<TrmEngine> | TrmEngine;
  };
}

export type EngineModuleLoader = () => Promise<EngineModule | undefined>;

let device: Promise<TrmDevice> | undefined; // one device per runtime, shared by every case

export async function makeWebGpuTimer(loadEngine: EngineModuleLoader, shaders: ShaderSources, gpu?: GPU): Promise<WebGpuTimer | { unavailable: string }> {
  let mod: EngineModule | undefined;
  try {
    mod = await loadEngine();
  } catch (e) {
    return { unavailable: `src/gpu/index.ts failed to load: ${(e as Error).message}` };
  }
  const Engine = mod?.WebGpuEngine;
  if (!Engine || typeof Engine.create !== 'function') return { unavailable: 'src/gpu/index.ts does not export WebGpuEngine yet' };
  return async (bundle: ModelBundle, input: SolveInput, steps: number, warmup: number) => {
    device ??= requestTrmDevice(gpu);
    const { device: dev } = await device;
    const engine = await Engine.create(dev, bundle, { batch: input.puzzleIds.length, shaders, snapshotCarry: false });
    try {
      // The warm-up solve also yields step 1's logits for the agreement check (recording them is untimed).
      const warm = warmup > 0 ? await engine.solve(input, { steps: warmup, recordLogits: true }) : undefined;
      const t0 = performance.now();
      const trace = await engine.solve(input, { steps });
      const msPerStep = (performance.now() - t0) / steps;
      if (trace.steps.length !== steps) throw new Error(`the engine ran ${trace.steps.length} steps, ${steps} were asked`);
      if (!trace.steps.every((s) => s.qHalt.every(Number.isFinite))) throw new Error('the engine produced a non-finite q_halt');
      return { msPerStep, firstLogits: warm?.steps[0].logits };
    } finally {
      engine.dispose();
    }
  };
}
