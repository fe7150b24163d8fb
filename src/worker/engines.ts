// Engines inside the worker: the WebGPU engine when a device can be had, the CPU engine in WebAssembly (on as
// many threads as the page's isolation allows), the TypeScript CPU reference; each falls back to the next with a
// notice that says why. And the facts the backend choice needs (is there a device, is it a software adapter).
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

/** Threads for the CPU engine: the machine's cores, at most 8 (beyond that a puzzle's rows split too thin). */
export const WASM_MAX_THREADS = 8;

async function wasmEngine(bundle: ModelBundle): Promise<ChosenEngine> {
  const [{ createWasmEngine }, { spawnWebThread }] = await Promise.all([import('../wasm/engine'), import('../wasm/threads-web')]);
  const threads = Math.min(WASM_MAX_THREADS, Math.max(1, navigator.hardwareConcurrency || 1));
  const engine = await createWasmEngine(bundle, { threads, spawn: spawnWebThread });
  const { limitedBy } = engine.facts;
  return { engine, kind: 'wasm', ...(limitedBy ? { notice: `The CPU engine runs on 1 thread: ${limitedBy}.` } : {}) };
}

/** An engine of `kind` for batches of `batch` puzzles; WebGPU falls back to the CPU engine, and that to the CPU
 * reference, saying why. */
export async function chooseEngine(bundle: ModelBundle, kind: EngineKind, batch = 1): Promise<ChosenEngine> {
  if (kind === 'cpu') return { engine: createCpuEngine(bundle), kind: 'cpu' };
  if (kind === 'webgpu')
    try {
      return { engine: await webGpuEngine(bundle, batch), kind: 'webgpu' };
    } catch (e) {
      const cpu = await chooseEngine(bundle, 'wasm', batch);
      const why = `WebGPU is not available here (${(e as Error).message}).`;
      return { ...cpu, notice: [why, cpu.kind === 'wasm' ? 'Solving on the CPU (WebAssembly) instead: same answers, slower than a real GPU.' : '', cpu.notice].filter(Boolean).join(' ') };
    }
  try {
    return await wasmEngine(bundle);
  } catch (e) {
    return {
      engine: createCpuEngine(bundle),
      kind: 'cpu',
      notice: `The CPU engine (WebAssembly) could not start (${(e as Error).message}). Solving on the CPU reference instead: same answers, several times slower.`,
    };
  }
}
