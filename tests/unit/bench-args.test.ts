import { describe, expect, it } from 'vitest';
import { BENCH_USAGE, BenchArgsError, defaultThreads, isEmulatedAdapter, parseBenchArgs, resolveAuto } from '../../bench/args';

describe('parseBenchArgs', () => {
  it('defaults to both models, the browser, auto batch, size and steps, every engine', () => {
    const o = parseBenchArgs([]);
    expect(o.models).toEqual(['sudoku', 'maze']);
    expect(o.batches).toBe('auto');
    expect(o.runtime).toBe('browser');
    expect(o.size).toBe('auto');
    expect(o.steps).toBe('auto');
    expect(o.engines).toEqual(['webgpu', 'wasm', 'cpu', 'ort']);
    expect(o.cpuSteps).toBe(1);
    expect(o.warmup).toBe(1);
    expect(o.threads).toBe(1); // no core count given
  });

  it('--threads defaults to the cores, at most 4, and is shared by our wasm engine and ORT\'s wasm EP', () => {
    expect(parseBenchArgs([], 2).threads).toBe(2);
    expect(parseBenchArgs([], 16).threads).toBe(4);
    expect(parseBenchArgs(['--threads', '3'], 16).threads).toBe(3);
    expect(parseBenchArgs(['--threads=8'], 2).threads).toBe(8);
    expect(defaultThreads(0)).toBe(1);
    expect(defaultThreads(NaN)).toBe(1);
    expect(() => parseBenchArgs(['--threads', '0'])).toThrow(/--threads needs a positive integer \(got "0"\)/);
    expect(() => parseBenchArgs(['--threads', 'two'])).toThrow(/--threads needs a positive integer/);
    expect(BENCH_USAGE).toMatch(/--threads N .*min\(4, cores\)/);
    expect(BENCH_USAGE).toMatch(/--engines webgpu,wasm,cpu,ort/);
  });

  it('reads the documented flags, with a space or "="', () => {
    const o = parseBenchArgs(['--configs', 'maze', '--batch=2,4,2', '--steps', '5', '--runtime', 'node', '--size=full', '--engines', 'cpu,webgpu,wasm', '--warmup', '0', '--json', 'out.json']);
    expect(o.models).toEqual(['maze']);
    expect(o.batches).toEqual([2, 4]);
    expect(o.steps).toBe(5);
    expect(o.runtime).toBe('node');
    expect(o.size).toBe('full');
    expect(o.engines).toEqual(['cpu', 'webgpu', 'wasm']);
    expect(o.warmup).toBe(0);
    expect(o.json).toBe('out.json');
  });

  it('--quick means tiny sizes, one step, batch 1, unless those are given explicitly', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ size: 'quick', steps: 1, batches: [1] });
    expect(parseBenchArgs(['--batch', '8', '--quick'])).toMatchObject({ size: 'quick', steps: 1, batches: [8] });
  });

  it('names the bad flag or value', () => {
    expect(() => parseBenchArgs(['--configs', 'arc'])).toThrow(/--configs: unknown "arc"/);
    expect(() => parseBenchArgs(['--engines', 'wasm,simd'])).toThrow(/--engines: unknown "simd" \(choose from webgpu, wasm, cpu, ort\)/);
    expect(() => parseBenchArgs(['--batch', '0'])).toThrow(/--batch needs a positive integer \(got "0"\)/);
    expect(() => parseBenchArgs(['--steps'])).toThrow(/--steps needs a value/);
    expect(() => parseBenchArgs(['--steps', '--quick'])).toThrow(/--steps needs a value/);
    expect(() => parseBenchArgs(['--runtime', 'deno'])).toThrow(/--runtime must be browser or node/);
    expect(() => parseBenchArgs(['--fast'])).toThrow(BenchArgsError);
    expect(() => parseBenchArgs(['extra'])).toThrow(/unexpected argument "extra"/);
  });
});

describe('resolveAuto', () => {
  it('is full size, batch 1 and 8, 10 steps on a GPU; reduced, batch 1, 1 step on an emulator', () => {
    const o = parseBenchArgs([]);
    expect(resolveAuto(o, false)).toEqual({ size: 'full', steps: 10, batches: [1, 8] });
    expect(resolveAuto(o, true)).toEqual({ size: 'reduced', steps: 1, batches: [1] });
    expect(resolveAuto(parseBenchArgs(['--size', 'full', '--batch', '8', '--steps', '2']), true)).toEqual({ size: 'full', steps: 2, batches: [8] });
  });
});

describe('isEmulatedAdapter', () => {
  it('flags the software adapters of the test machines only', () => {
    expect(isEmulatedAdapter('google / swiftshader')).toBe(true);
    expect(isEmulatedAdapter('mesa / llvmpipe (LLVM 19.1.7, 256 bits)')).toBe(true);
    expect(isEmulatedAdapter('nvidia / hopper / NVIDIA H200')).toBe(false);
  });
});
