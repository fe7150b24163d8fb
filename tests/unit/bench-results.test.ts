import { describe, expect, it } from 'vitest';
import { flopsPerStep } from '../../src/core/config';
import { validateBundle } from '../../src/core/bundle';
import { benchConfig, describeConfig } from '../../bench/configs';
import { randomBundle, randomInput } from '../../bench/random-bundle';
import { agreementNotes, batchFlops, failureNotes, fmtMs, formatTable, gflops, tableRows, threadNotes, timeRatio, type BenchCase } from '../../bench/results';
import { maxAbsDiff, runCase, type CaseJob } from '../../bench/run-case';
import type { OrtModule } from '../../bench/time-ort';
import type { WasmTimer } from '../../bench/time-wasm';

describe('bench configs', () => {
  it('full sizes are the published ones', () => {
    expect(benchConfig('sudoku', 'full')).toMatchObject({ hidden_size: 512, mlp_t: true, L_cycles: 6, H_cycles: 3, seq_len: 81, pos_encodings: 'none' });
    expect(benchConfig('maze', 'full')).toMatchObject({ hidden_size: 512, num_heads: 8, mlp_t: false, L_cycles: 4, H_cycles: 3, seq_len: 900, pos_encodings: 'rope' });
    expect(describeConfig(benchConfig('maze', 'full'))).toBe('maze attn 8h h512 S=916 n=4 T=3');
    expect(describeConfig(benchConfig('sudoku', 'reduced'))).toBe('sudoku mlp_t h128 S=97 n=6 T=3');
    expect(describeConfig(benchConfig('maze', 'reduced'))).toBe('maze attn 2h h128 S=241 n=4 T=3');
  });

  it('FLOPs per step, counted by hand from the published sizes', () => {
    // Sudoku MLP: h 512, S 97, channel SwiGLU inter 1536, token SwiGLU inter 512; 2 blocks x 21 calls.
    const sudokuBlock = 2 * 97 * 512 * 3072 + 2 * 97 * 1536 * 512 + 2 * 512 * 97 * 1024 + 2 * 512 * 512 * 97;
    expect(flopsPerStep(benchConfig('sudoku', 'full'))).toBe(21 * 2 * sudokuBlock + 2 * 81 * 512 * 11 + 2 * 512 * 2);
    expect(sudokuBlock * 42).toBe(25_631_391_744);
    // 30x30 attention: S 916; qkv, o, QK^T and PV; 2 blocks x 15 calls.
    const mazeBlock = 2 * 916 * 512 * 3072 + 2 * 916 * 1536 * 512 + 2 * 916 * 512 * 1536 + 2 * 916 * 512 * 512 + 4 * 916 * 916 * 512;
    expect(flopsPerStep(benchConfig('maze', 'full'))).toBe(15 * 2 * mazeBlock + 2 * 900 * 512 * 6 + 2 * 512 * 2);
    expect(batchFlops(benchConfig('maze', 'full'), 8)).toBe(8 * flopsPerStep(benchConfig('maze', 'full')));
  });
});

describe('random weights', () => {
  it('give a valid bundle, the same for the same seed, with official-init scales', () => {
    const c = benchConfig('maze', 'quick');
    const a = validateBundle(randomBundle(c, 7));
    const b = randomBundle(c, 7);
    const other = randomBundle(c, 8);
    const w = a.tensors['L_level.layers.0.mlp.gate_up_proj.weight'];
    expect(w.data).toEqual(b.tensors['L_level.layers.0.mlp.gate_up_proj.weight'].data);
    expect(w.data).not.toEqual(other.tensors['L_level.layers.0.mlp.gate_up_proj.weight'].data);
    const std = Math.sqrt(w.data.reduce((s, v) => s + v * v, 0) / w.data.length);
    expect(std).toBeGreaterThan(0.8 / Math.sqrt(c.hidden_size)); // truncation at 2σ shrinks σ by ~12%
    expect(std).toBeLessThan(1 / Math.sqrt(c.hidden_size));
    const h = a.tensors.H_init.data; // bf16 values: the low 16 bits of every f32 are zero
    expect(new Uint32Array(h.buffer, h.byteOffset, h.length).every((bits) => (bits & 0xffff) === 0)).toBe(true);
  });

  it('random inputs avoid PAD and stay inside the vocabulary', () => {
    const c = benchConfig('sudoku', 'quick');
    const { tokens, puzzleIds } = randomInput(c, 3);
    expect(tokens.length).toBe(3 * 81);
    expect(Math.min(...tokens)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...tokens)).toBeLessThan(c.vocab_size);
    expect([...puzzleIds]).toEqual([0, 0, 0]);
  });
});

describe('results table', () => {
  const config = benchConfig('sudoku', 'quick');
  const flops = flopsPerStep(config) * 2;
  const cases: BenchCase[] = [
    {
      model: 'sudoku',
      config,
      batch: 2,
      results: [
        { engine: 'webgpu', msPerStep: 100, steps: 3, maxAbsLogitDiffVsCpu: 2.5e-6 },
        { engine: 'ort-webgpu', msPerStep: null, steps: 0, error: 'no adapter' },
        { engine: 'ort-wasm', msPerStep: 400, steps: 3, threads: 2 },
        { engine: 'wasm', msPerStep: 200, steps: 3, threads: 2, maxAbsLogitDiffVsCpu: 3e-6 },
        { engine: 'cpu', msPerStep: 20_000, steps: 1 },
      ],
    },
  ];

  it('computes GFLOP/s and time ratios, falling back to the wasm EP for the ORT column', () => {
    const [row] = tableRows(cases);
    expect(row.gflopPerStep).toBe((flops / 1e9).toFixed(2));
    expect(row.oursGflops).toBe((flops / 1e8).toFixed(2));
    expect(row.ort).toBe('400 ms (wasm)');
    expect(row.oursOverOrt).toBe('0.250');
    expect(row.oursOverCpu).toBe('0.00500');
    expect(row.cpu).toBe('20.0 s');
  });

  it('has the wasm columns: ours (wasm) against ORT\'s wasm EP and the CPU reference', () => {
    const [row] = tableRows(cases);
    expect(row.wasm).toBe('200 ms');
    expect(row.wasmGflops).toBe((flops / 2e8).toFixed(2));
    expect(row.ortWasm).toBe('400 ms');
    expect(row.wasmOverOrtWasm).toBe('0.500');
    expect(row.wasmOverCpu).toBe('0.0100');
    expect(threadNotes(cases)).toEqual(['sudoku mlp_t h32 S=97 n=6 T=3 B=2: ort-wasm 2 threads, wasm 2 threads']);
  });

  it('with the WebGPU EP in the ORT column, ORT wasm is the explicit wasm EP run; missing columns print —', () => {
    const c: BenchCase = {
      model: 'sudoku',
      config,
      batch: 1,
      results: [
        { engine: 'ort-webgpu', msPerStep: 50, steps: 2 },
        { engine: 'ort-wasm', msPerStep: 80, steps: 2, threads: 1, threadsNote: '4 asked: ONNX Runtime fell back to 1' },
        { engine: 'wasm', msPerStep: null, steps: 0, error: 'WasmMemoryError: too large' },
      ],
    };
    const [row] = tableRows([c]);
    expect(row.ort).toBe('50.0 ms');
    expect(row.ortWasm).toBe('80.0 ms');
    expect(row.wasm).toBe('—');
    expect(row.wasmOverOrtWasm).toBe('—');
    expect(row.wasmOverCpu).toBe('—');
    expect(row.oursOverOrt).toBe('—');
    expect(threadNotes([c])).toEqual(['sudoku mlp_t h32 S=97 n=6 T=3 B=1: ort-wasm 1 thread (4 asked: ONNX Runtime fell back to 1)']);
    expect(failureNotes([c])).toEqual(['sudoku mlp_t h32 S=97 n=6 T=3 B=1 wasm: WasmMemoryError: too large']);
  });

  it('prints a Markdown table and names what did not run', () => {
    const lines = formatTable(cases).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\| config .*\| ours \(WGSL\) .*\| ours \(wasm\) .*\| CPU ref .*\| +ORT Web .*\| ORT wasm \| t_ours\/t_ORT \| t_ours\/t_CPU \| t_wasm\/t_ORTwasm \| t_wasm\/t_CPU \|$/);
    expect(lines[1]).toMatch(/^\|:-+\|:-+\|-+:\|/);
    expect(lines[2]).toContain('sudoku mlp_t h32 S=97 n=6 T=3');
    expect(new Set(lines.map((l) => l.length)).size).toBe(1); // columns aligned
    expect(failureNotes(cases)).toEqual(['sudoku mlp_t h32 S=97 n=6 T=3 B=2 ort-webgpu: no adapter']);
    expect(agreementNotes(cases)).toEqual(['sudoku mlp_t h32 S=97 n=6 T=3 B=2: webgpu 2.5e-6, wasm 3.0e-6']);
  });

  it('formats edge values', () => {
    expect(fmtMs(null)).toBe('—');
    expect(fmtMs(3.14159)).toBe('3.14 ms');
    expect(fmtMs(1234)).toBe('1.23 s');
    expect(gflops(2e9, 1000)).toBe(2);
    expect(gflops(2e9, null)).toBeNull();
    expect(timeRatio(1, 0)).toBeNull();
    expect(maxAbsDiff(new Float32Array([1, 2, 3]), new Float32Array([1, 2.5, 2]))).toBe(1);
    expect(() => maxAbsDiff(new Float32Array(2), new Float32Array(3))).toThrow(/2 and 3 values/);
  });
});

describe('runCase with the wasm column', () => {
  const config = benchConfig('sudoku', 'quick');
  const bundle = randomBundle(config, 1);
  const job = (engines: CaseJob['engines'], threads: number): CaseJob => ({ model: 'sudoku', batch: 1, steps: 1, warmup: 1, cpuSteps: 1, engines, threads });

  /** A stand-in for onnxruntime-web: zero logits, the carry passed through, `granted` threads after init. */
  function fakeOrt(granted: number): { module: OrtModule; providers: string[] } {
    const providers: string[] = [];
    const Tensor = class {
      constructor(readonly type: string, readonly data: unknown, readonly dims: number[]) {}
    };
    const env = { wasm: { numThreads: 0 as number | undefined } };
    const module = {
      env,
      Tensor,
      InferenceSession: {
        create: async (_onnx: Uint8Array, options: { executionProviders: string[] }) => {
          providers.push(...options.executionProviders);
          if (options.executionProviders[0] === 'webgpu') throw new Error('no WebGPU here');
          env.wasm.numThreads = granted;
          return {
            run: async (feeds: Record<string, { data: Float32Array }>) => ({
              logits: { data: new Float32Array(config.seq_len * config.vocab_size) },
              q_halt: { data: new Float32Array(1) },
              z_H_out: feeds.z_H,
              z_L_out: feeds.z_L,
            }),
            release: async () => {},
          };
        },
      },
    } as unknown as OrtModule;
    return { module, providers };
  }

  function fakeWasm(calls: number[]): WasmTimer {
    return async (_b, _i, _steps, _warmup, threads) => {
      calls.push(threads);
      return { msPerStep: 10, threads, firstLogits: new Float32Array(config.seq_len * config.vocab_size) };
    };
  }

  it('times ORT\'s wasm EP whenever the wasm column is asked for, ours on the same threads, and checks both against the CPU', async () => {
    const ort = fakeOrt(2);
    const calls: number[] = [];
    const c = await runCase(job(['wasm', 'cpu'], 2), { bundle, wasm: fakeWasm(calls), ort: { module: ort.module, onnx: new Uint8Array(), providers: ['webgpu', 'wasm'] } });
    expect(ort.providers).toEqual(['wasm']);
    expect(calls).toEqual([2]);
    expect(c.results.map((r) => [r.engine, r.threads])).toEqual([['ort-wasm', 2], ['wasm', 2], ['cpu', undefined]]);
    expect(c.results.find((r) => r.engine === 'wasm')!.maxAbsLogitDiffVsCpu).toBeGreaterThan(0);
    expect(c.results.find((r) => r.engine === 'ort-wasm')!.maxAbsLogitDiffVsCpu).toBeGreaterThan(0);
  });

  it('does not time the wasm EP twice when it was the ORT column\'s fallback, and matches ORT\'s thread count when it refused more', async () => {
    const ort = fakeOrt(1);
    const calls: number[] = [];
    const c = await runCase(job(['ort', 'wasm'], 4), { bundle, wasm: fakeWasm(calls), ort: { module: ort.module, onnx: new Uint8Array(), providers: ['webgpu', 'wasm'] } });
    expect(ort.providers).toEqual(['webgpu', 'wasm']);
    expect(calls).toEqual([1]);
    const wasm = c.results.find((r) => r.engine === 'wasm')!;
    expect(wasm.threadsNote).toBe("4 asked, timed on ORT's 1");
    expect(c.results.find((r) => r.engine === 'ort-wasm')!.threadsNote).toBe('4 asked: ONNX Runtime fell back to 1');
    expect(c.results.find((r) => r.engine === 'ort-webgpu')!.error).toMatch(/no WebGPU here/);
  });

  it('records failures as errors, column by column', async () => {
    const c = await runCase(job(['wasm'], 2), {
      bundle,
      wasm: async () => {
        throw new Error('boom');
      },
      ort: { unavailable: 'no ONNX export' },
    });
    expect(c.results).toEqual([
      { engine: 'ort-wasm', msPerStep: null, steps: 0, error: 'no ONNX export' },
      { engine: 'wasm', msPerStep: null, steps: 0, error: 'Error: boom' },
    ]);
  });
});
