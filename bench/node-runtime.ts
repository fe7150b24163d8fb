// Runs the benchmark in Node: our engine on Dawn (npm `webgpu`; on a machine without a GPU, the Vulkan
// driver that `eval "$(bash scripts/ensure-vulkan.sh)"` selects), our wasm engine (helper threads on
// worker_threads), the CPU reference, and ONNX Runtime Web's Node build (wasm EP only; its WebGPU EP is
// browser-only here) on the same number of threads as our wasm engine.
import { readFileSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { describeAdapter } from '../src/gpu/device';
import { loadShaderSources } from '../src/gpu/shaders-node';
import { isEmulatedAdapter } from './args';
import type { PreparedModel } from './prepare';
import type { BenchCase } from './results';
import { runCase, type CaseEnv, type CaseJob } from './run-case';
import type { BenchRuntimeHandle } from './runtime';
import type { OrtModule } from './time-ort';
import { makeWasmTimer } from './time-wasm';
import { makeWebGpuTimer } from './time-webgpu';
import { spawnNodeThread } from '../src/wasm/threads-node';

export async function startNodeRuntime(log: (s: string) => void, threads: number): Promise<BenchRuntimeHandle> {
  Object.assign(globalThis, globals);
  // Dawn's instance must outlive every device made from it: kept for the life of the process.
  const gpu = create([]) as unknown as GPU;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  const description = adapter ? describeAdapter(adapter.info) : 'no WebGPU adapter (is a Vulkan driver set? eval "$(bash scripts/ensure-vulkan.sh)")';
  let ort: OrtModule | undefined;
  let ortError: string | undefined;
  try {
    ort = (await import('onnxruntime-web')) as unknown as OrtModule;
    // Read once ORT has initialised its wasm backend (the first session): it drops to 1 where threads cannot run,
    // and run-case.ts then times our wasm engine on that count too.
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = 'error';
  } catch (e) {
    ortError = `onnxruntime-web failed to load in Node: ${(e as Error).message}`;
  }
  const shaders = loadShaderSources();
  return {
    name: `node ${process.version} + Dawn (npm webgpu)`,
    adapter: description,
    emulated: !adapter || isEmulatedAdapter(description),
    async run(job: CaseJob, model: PreparedModel): Promise<BenchCase> {
      let ortEnv: CaseEnv['ort'];
      if (!job.engines.includes('ort') && !job.engines.includes('wasm')) ortEnv = undefined;
      else if (ortError) ortEnv = { unavailable: ortError };
      else if (!model.onnxPath) ortEnv = { unavailable: model.onnxError ?? 'no ONNX export' };
      else ortEnv = { module: ort!, onnx: new Uint8Array(readFileSync(model.onnxPath)), providers: ['wasm'] };
      return runCase(job, {
        bundle: model.bundle,
        webgpu: job.engines.includes('webgpu') ? (adapter ? makeWebGpuTimer(shaders, gpu) : { unavailable: description }) : undefined,
        wasm: job.engines.includes('wasm') ? makeWasmTimer(spawnNodeThread) : undefined,
        ort: ortEnv,
        log,
      });
    },
    async close() {},
  };
}
