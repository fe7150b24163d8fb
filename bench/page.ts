// The benchmark page (bench/index.html), served by Vite and driven by scripts/bench.ts through Playwright.
// The driver hands it file URLs (app safetensors + ONNX export of the same weights) and reads back the
// measurements; the page itself prints nothing but progress lines on the console.
import * as ort from 'onnxruntime-web/webgpu';
import { loadAppModel } from '../src/core/weights/app-format';
import { shaderSources } from '../src/gpu/shaders-vite';
import { isEmulatedAdapter } from './args';
import { runCase, type CaseJob } from './run-case';
import type { BenchCase } from './results';
import { makeWasmTimer } from './time-wasm';
import { makeWebGpuTimer } from './time-webgpu';
import { spawnWebThread } from '../src/wasm/threads-web';

export interface PageFiles {
  weights: string; // URL of the app safetensors file
  onnx?: string; // URL of its ONNX export
  ortWasmPrefix: string; // URL prefix of onnxruntime-web/dist/
}

export interface PageAdapter {
  description: string;
  emulated: boolean;
  features: string[];
  userAgent: string;
  /** Whether the page is cross-origin isolated: SharedArrayBuffer, hence threads for our wasm engine and ORT's wasm EP. */
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`fetching ${url} failed: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function adapter(): Promise<PageAdapter> {
  const a = await navigator.gpu?.requestAdapter();
  const info = a?.info;
  const description = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') || 'unknown adapter' : 'no WebGPU adapter';
  return {
    description,
    emulated: !a || isEmulatedAdapter(description),
    features: a ? [...a.features] : [],
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency || 1,
  };
}

async function runInPage(job: CaseJob, files: PageFiles): Promise<BenchCase> {
  const bundle = await loadAppModel(await fetchBytes(files.weights));
  ort.env.wasm.wasmPaths = files.ortWasmPrefix;
  // Taken by ORT when its wasm backend initialises (the first session of the page); it falls back to 1 thread
  // itself where the page is not cross-origin isolated, as our wasm engine does.
  ort.env.wasm.numThreads = job.threads;
  ort.env.logLevel = 'error';
  let ortEnv: Parameters<typeof runCase>[1]['ort'];
  if (!job.engines.includes('ort') && !job.engines.includes('wasm')) ortEnv = undefined;
  else if (!files.onnx) ortEnv = { unavailable: 'no ONNX export (see the driver output)' };
  else ortEnv = { module: ort, onnx: await fetchBytes(files.onnx), providers: ['webgpu', 'wasm'] };
  return runCase(job, {
    bundle,
    webgpu: job.engines.includes('webgpu') ? makeWebGpuTimer(shaderSources) : undefined,
    wasm: job.engines.includes('wasm') ? makeWasmTimer(spawnWebThread) : undefined,
    ort: ortEnv,
    log: (line) => console.log(`[bench] ${line}`),
  });
}

declare global {
  interface Window {
    trmBench: { adapter: typeof adapter; runCase: typeof runInPage };
  }
}

window.trmBench = { adapter, runCase: runInPage };
document.body.dataset.ready = 'true';
