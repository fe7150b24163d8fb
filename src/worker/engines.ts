// Engine choice inside the worker: the WebGPU engine when a device can be had, else the CPU reference
// with a notice that says why. Engines are cached per model and disposed with it.
import type { ModelBundle } from '../core/bundle';
import type { TrmEngine } from '../core/trace';
import { createCpuEngine } from '../core/reference';
import type { EngineKind, EnginePreference } from './protocol';

export interface ChosenEngine {
  engine: TrmEngine;
  kind: EngineKind;
  notice?: string;
}

let gpuDevice: Promise<GPUDevice> | null = null;

function device(requestTrmDevice: typeof import('../gpu/index').requestTrmDevice): Promise<GPUDevice> {
  gpuDevice ??= requestTrmDevice().then((d) => {
    d.device.lost.then(() => (gpuDevice = null));
    return d.device;
  });
  gpuDevice.catch(() => (gpuDevice = null));
  return gpuDevice;
}

/** Destroys the current device, as a driver reset would (the page's test hook; a no-op without a device). */
export async function loseDeviceForTest(): Promise<void> {
  const d = await gpuDevice?.catch(() => null);
  d?.destroy();
}

async function webGpuEngine(bundle: ModelBundle, batch: number): Promise<TrmEngine> {
  // Loaded on demand: a page that never gets a GPU does not download the engine and its shaders.
  const [{ requestTrmDevice, WebGpuEngine }, { shaderSources }] = await Promise.all([import('../gpu/index'), import('../gpu/shaders-vite')]);
  return WebGpuEngine.create(await device(requestTrmDevice), bundle, { batch, shaders: shaderSources });
}

/** Whether the engine `preference` leads to will be WebGPU (asks for the device once; no engine is built). */
export async function willUseWebGpu(preference: EnginePreference): Promise<boolean> {
  if (preference === 'cpu') return false;
  try {
    await device((await import('../gpu/index')).requestTrmDevice);
    return true;
  } catch {
    return false;
  }
}

/** An engine for batches of `batch` puzzles (views of one Sudoku travel as one batch). */
export async function chooseEngine(bundle: ModelBundle, preference: EnginePreference, batch = 1): Promise<ChosenEngine> {
  if (preference === 'cpu')
    return { engine: createCpuEngine(bundle), kind: 'cpu', notice: 'Running on the CPU reference, as chosen in the model panel.' };
  try {
    return { engine: await webGpuEngine(bundle, batch), kind: 'webgpu' };
  } catch (e) {
    return {
      engine: createCpuEngine(bundle),
      kind: 'cpu',
      notice: `WebGPU is not available here (${(e as Error).message}). Solving on the CPU reference instead: same answers, much slower.`,
    };
  }
}
