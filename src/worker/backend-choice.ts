// Which engine solves, as a pure function of what is known: the user's choice, whether a GPU device can be had and
// whether it is a software adapter, and (on a software adapter) one supervision step timed on WebGPU and on the CPU
// engine (WebAssembly), each at the tries it would run. A real GPU is used without timing; a software one
// (SwiftShader, llvmpipe, lavapipe) is often slower than the CPU engine, so there the faster one wins and the solve
// bar says why. Without a GPU the CPU engine solves.
import { ENGINE_LABELS, type EngineKind, type EnginePreference } from './protocol';

export interface GpuFacts {
  /** A device could be had. */
  available: boolean;
  /** The adapter emulates a GPU on the CPU. */
  software: boolean;
  /** The adapter in words, or why there is none. */
  description: string;
}

/** One supervision step timed on each engine, each at the tries it would run on 'auto'. */
export interface StepTimes {
  webgpuMs: number;
  webgpuTries: number;
  wasmMs: number;
  wasmTries: number;
}

export interface BackendDecision {
  kind: EngineKind;
  /** Time one step on each engine first (then decide again with the times). */
  measure: boolean;
  notice?: string;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|basic render/i;

/** A fallback adapter, or one whose name says it runs on the CPU. */
export function isSoftwareAdapter(description: string, isFallbackAdapter = false): boolean {
  return isFallbackAdapter || SOFTWARE.test(description);
}

const seconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const tries = (n: number) => (n === 1 ? '1 try' : `${n} tries`);

export function chooseBackend(preference: EnginePreference, gpu: GpuFacts, times?: StepTimes): BackendDecision {
  if (preference === 'cpu' || preference === 'wasm')
    return { kind: preference, measure: false, notice: `Running on the ${ENGINE_LABELS[preference]}, as chosen beside Solve.` };
  if (!gpu.available)
    return {
      kind: 'wasm',
      measure: false,
      notice: `WebGPU is not available here (${gpu.description}). Solving on the CPU (WebAssembly) instead: same answers, slower than a real GPU.`,
    };
  if (preference === 'webgpu' || !gpu.software) return { kind: 'webgpu', measure: false };
  if (!times) return { kind: 'webgpu', measure: true };
  const cpuFaster = times.wasmMs < times.webgpuMs;
  const ratio = cpuFaster ? times.webgpuMs / times.wasmMs : times.wasmMs / times.webgpuMs;
  const measured = `one step took ${seconds(times.webgpuMs)} on it (${tries(times.webgpuTries)}) and ${seconds(times.wasmMs)} on the CPU engine (${tries(times.wasmTries)})`;
  return cpuFaster
    ? {
        kind: 'wasm',
        measure: false,
        notice: `Software GPU (${gpu.description}): ${measured}, so the CPU engine (WebAssembly) solves, ${ratio.toFixed(1)}× faster here. Choose "WebGPU" beside Solve to use the GPU anyway.`,
      }
    : { kind: 'webgpu', measure: false, notice: `Software GPU (${gpu.description}): ${measured}; WebGPU is ${ratio.toFixed(1)}× faster here, so it solves.` };
}
