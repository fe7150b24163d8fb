import { describe, expect, it } from 'vitest';
import { flopsPerStep } from '../../src/core/config';
import { validateBundle } from '../../src/core/bundle';
import { benchConfig, describeConfig } from '../../bench/configs';
import { randomBundle, randomInput } from '../../bench/random-bundle';
import { agreementNotes, batchFlops, failureNotes, fmtMs, formatTable, gflops, tableRows, timeRatio, type BenchCase } from '../../bench/results';
import { maxAbsDiff } from '../../bench/run-case';

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
        { engine: 'ort-wasm', msPerStep: 400, steps: 3 },
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

  it('prints a Markdown table and names what did not run', () => {
    const lines = formatTable(cases).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\| config .*\| t_ours\/t_CPU \|$/);
    expect(lines[1]).toMatch(/^\|:-+\|:-+\|-+:\|/);
    expect(lines[2]).toContain('sudoku mlp_t h32 S=97 n=6 T=3');
    expect(new Set(lines.map((l) => l.length)).size).toBe(1); // columns aligned
    expect(failureNotes(cases)).toEqual(['sudoku mlp_t h32 S=97 n=6 T=3 B=2 ort-webgpu: no adapter']);
    expect(agreementNotes(cases)).toEqual(['sudoku mlp_t h32 S=97 n=6 T=3 B=2: webgpu 2.5e-6']);
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
