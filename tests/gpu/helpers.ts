// Node + Dawn helpers for the GPU tests: one device per test file; the device-agnostic ones are in gpu-utils.ts.
import { create, globals } from 'webgpu';
import { requestTrmDevice, type TrmDevice } from '../../src/gpu/device';
import { loadShaderSources } from '../../src/gpu/shaders-node';

Object.assign(globalThis, globals);
// lavapipe hands every dispatch to a thread pool; on a loaded 2-core machine the hand-offs cost more than
// the work (measured 4-6× slower solves), so run it on the submitting thread unless told otherwise.
process.env.LP_NUM_THREADS ??= '1';

export const shaders = loadShaderSources();

// Dawn's instance must outlive every device made from it (a collected instance aborts pending async
// pipeline compiles), so it is created once and kept for the life of the process.
let dawn: GPU | undefined;

export async function gpuDevice(): Promise<TrmDevice> {
  dawn ??= create([]) as unknown as GPU;
  return requestTrmDevice(dawn);
}

export * from './gpu-utils';
