import { describe, expect, it } from 'vitest';
import { chooseBackend, isSoftwareAdapter } from '../../src/worker/backend-choice';

const hw = { available: true, software: false, description: 'nvidia / ampere' };
const sw = { available: true, software: true, description: 'google / swiftshader' };
const none = { available: false, software: false, description: 'navigator.gpu is missing' };

describe('backend choice', () => {
  it('tells software adapters by name or the fallback flag', () => {
    expect(isSoftwareAdapter('Google / SwiftShader Device (Subzero)')).toBe(true);
    expect(isSoftwareAdapter('mesa / llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareAdapter('nvidia / ampere / NVIDIA H100')).toBe(false);
    expect(isSoftwareAdapter('intel / gen-12lp', true)).toBe(true);
  });

  it('follows the user: either CPU engine always, WebGPU whenever a device exists', () => {
    expect(chooseBackend('cpu', hw)).toMatchObject({ kind: 'cpu', measure: false, notice: 'Running on the CPU reference, as chosen beside Solve.' });
    expect(chooseBackend('wasm', hw)).toMatchObject({ kind: 'wasm', measure: false, notice: 'Running on the CPU (WebAssembly), as chosen beside Solve.' });
    expect(chooseBackend('webgpu', sw)).toEqual({ kind: 'webgpu', measure: false });
    expect(chooseBackend('webgpu', none)).toMatchObject({ kind: 'wasm', notice: expect.stringMatching(/not available here \(navigator.gpu is missing\)/) });
  });

  it('auto: a real GPU without timing; no GPU falls back to the CPU engine with the reason', () => {
    expect(chooseBackend('auto', hw)).toEqual({ kind: 'webgpu', measure: false });
    expect(chooseBackend('auto', none)).toMatchObject({ kind: 'wasm', measure: false });
  });

  it('auto on a software GPU: time first, then the faster one, saying why', () => {
    expect(chooseBackend('auto', sw)).toEqual({ kind: 'webgpu', measure: true });
    const slowGpu = chooseBackend('auto', sw, { webgpuMs: 4000, webgpuTries: 8, wasmMs: 200, wasmTries: 1 });
    expect(slowGpu.kind).toBe('wasm');
    expect(slowGpu.notice).toMatch(/Software GPU \(google \/ swiftshader\): one step took 4\.0 s on it \(8 tries\) and 200 ms on the CPU engine \(1 try\), so the CPU engine \(WebAssembly\) solves, 20\.0× faster here/);
    const fastGpu = chooseBackend('auto', sw, { webgpuMs: 100, webgpuTries: 8, wasmMs: 300, wasmTries: 1 });
    expect(fastGpu).toMatchObject({ kind: 'webgpu', measure: false, notice: expect.stringMatching(/WebGPU is 3\.0× faster here/) });
  });
});
