// Times our WGSL engine (src/gpu): `WebGpuEngine.create(device, bundle, { batch, shaders })`, one
// untimed solve of `warmup` steps, then one solve of `steps` steps timed as a whole (upload of the
// inputs, the steps, the trace read-back of every step: what a user waits for), divided by `steps`.
// The per-step carry snapshot is off (snapshotCarry: false): the carry stays on the GPU, as it does in
// the ONNX Runtime column; preds, confidences and q still come back every step.
import type { ModelBundle } from '../src/core/bundle';
import type { SolveInput } from '../src/core/trace';
import { requestTrmDevice, WebGpuEngine, type ShaderSources, type TrmDevice } from '../src/gpu';
import type { WebGpuTimer } from './run-case';
import { timeSolve } from './time-solve';

let device: Promise<TrmDevice> | undefined; // one device per runtime, shared by every case

export function makeWebGpuTimer(shaders: ShaderSources, gpu?: GPU): WebGpuTimer {
  return async (bundle: ModelBundle, input: SolveInput, steps: number, warmup: number) => {
    device ??= requestTrmDevice(gpu);
    const { device: dev } = await device;
    const engine = await WebGpuEngine.create(dev, bundle, { batch: input.puzzleIds.length, shaders, snapshotCarry: false });
    try {
      return await timeSolve(engine, input, steps, warmup);
    } finally {
      engine.dispose();
    }
  };
}
