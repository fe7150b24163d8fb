// Engines inside the worker: the WebGPU engine when a device can be had, else the CPU reference with a notice
// that says why; and the facts the backend choice needs (is there a device, is it a software adapter).
import type { ModelBundle } from '../core/bundle';
import type { TrmEngine } from '../core/trace';
import { createCpuEngine } from '../core/reference';
import type { TrmDevice } from '../gpu/device';
import { isSoftwareAdapter, type GpuFacts } from './backend-choice';
import type { EngineKind } from './protocol';

export interface ChosenEngine {
  engine: TrmEngine;
  kind: EngineKind;
  notice?: string;
}

let gpuDevice: Promise<TrmDevice> | null = null;

function device(): Promise<TrmDevice> {
  gpuDevice ??= import('../gpu/index').then(({ requestTrmDevice }) => requestTrmDevice()).then((d) => {
    d.device.lost.then(() => (gpuDevice = null));
    return d;
  });
  gpuDevice.catch(() => (gpuDevice = null));
  return gpuDevice;
}

/** Destroys the current device, as a driver reset would (the page's test hook; a no-op without a device). */
export async function loseDeviceForTest(): Promise<void> {
  const d = await gpuDevice?.catch(() => null);
  d?.device.destroy();
}

async function webGpuEngine(bundle: ModelBundle, batch: number): Promise<TrmEngine> {
  // Loaded on demand: a page that never gets a GPU does not download the engine and its shaders.
  const [{ WebGpuEngine }, { shaderSources }] = await Promise.all([import('../gpu/index'), import('../gpu/shaders-vite')]);
  return WebGpuEngine.create((await device()).device, bundle, { batch, shaders: shaderSources });
}

/** Whether a device can be had (asked once) and what kind of adapter it is on. */
export async function gpuFacts(): Promise<GpuFacts> {
  try {
    const d = await device();
    return { available: true, software: isSoftwareAdapter(d.adapterInfo, d.isFallbackAdapter), description: d.adapterInfo };
  } catch (e) {
    return { available: false, software: false, description: (e as Error).message };
  }
}

/** An engine of `kind` for batches of `batch` puzzles; WebGPU falls back to the CPU reference, saying why. */
export async function chooseEngine(bundle: ModelBundle, kind: EngineKind, batch = 1): Promise<ChosenEngine> {
  if (kind === 'cpu') return { engine: createCpuEngine(bundle), kind: 'cpu' };
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
