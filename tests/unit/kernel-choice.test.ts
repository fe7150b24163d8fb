// Kernel choice and the buffer plan are pure functions of plain numbers: tested here without a GPU.
import { describe, expect, it } from 'vitest';
import type { TrmConfig } from '../../src/core/config';
import { GpuLimitError } from '../../src/gpu/errors';
import { chooseAttention, chooseMatmul, chooseRowNorm, grid1d, threadTile, TARGET_WORKGROUPS, type ComputeLimits, type MatmulShape } from '../../src/gpu/kernel-choice';
import { checkBufferPlan, engineSizes, paddedRows, planBuffers } from '../../src/gpu/plan';

const DEFAULT_LIMITS: ComputeLimits = {
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 256,
  maxComputeWorkgroupsPerDimension: 65535,
};

const shape = (s: Partial<MatmulShape>): MatmulShape => ({ M: 256, N: 512, K: 512, batch: 1, bLayout: 'nk', epilogue: 'none', offsets: [0, 0, 0, 0, 0, 0], ...s });

describe('chooseMatmul', () => {
  it('picks the vec4 variant without bounds checks when every dimension fits a tile', () => {
    const c = chooseMatmul(shape({}), DEFAULT_LIMITS);
    expect(c.variant).toBe('vec4');
    expect(c.shader).toBe('matmul_vec4');
    expect(256 % c.tileM).toBe(0);
    expect(512 % c.tileN).toBe(0);
    expect(512 % c.tileK).toBe(0);
    expect(c.workgroups).toEqual([512 / c.tileN, 256 / c.tileM, 1]);
    expect(c.workgroups[0] * c.workgroups[1]).toBeGreaterThanOrEqual(TARGET_WORKGROUPS);
  });

  it('prefers the largest tile that still gives enough workgroups', () => {
    const big = chooseMatmul(shape({ M: 4096, N: 1536 }), DEFAULT_LIMITS);
    expect([big.tileM, big.tileN]).toEqual([64, 64]);
    const small = chooseMatmul(shape({ M: 128, N: 64, K: 64 }), DEFAULT_LIMITS);
    expect(small.tileM * small.tileN).toBeLessThan(64 * 64);
  });

  it('masks a row count that is not a tile multiple (97 positions) in the vec4 variant, except for SwiGLU row pairs', () => {
    const down = chooseMatmul(shape({ M: 97, N: 64, K: 512, bLayout: 'kn', epilogue: 'accumulate' }), DEFAULT_LIMITS);
    expect([down.variant, down.mTail]).toEqual(['vec4', true]);
    expect(down.workgroups[1] * down.tileM).toBeGreaterThanOrEqual(97);
    expect(chooseMatmul(shape({ M: 97 * 2, N: 64, K: 512, bLayout: 'kn', epilogue: 'swiglu_m' }), DEFAULT_LIMITS).variant).toBe('general');
    expect(chooseMatmul(shape({}), DEFAULT_LIMITS).mTail).toBe(false);
  });

  it('falls back to the general variant for other sizes that are not tile multiples (97 positions as K, vocab 11)', () => {
    expect(chooseMatmul(shape({ M: 1024, N: 64, K: 97, bLayout: 'kn', epilogue: 'swiglu_m' }), DEFAULT_LIMITS).variant).toBe('general');
    expect(chooseMatmul(shape({ N: 11 }), DEFAULT_LIMITS).variant).toBe('general');
    expect(chooseMatmul(shape({ K: 30 }), DEFAULT_LIMITS).variant).toBe('general');
  });

  it('needs every offset and stride to be a multiple of 4 for vec4 loads', () => {
    expect(chooseMatmul(shape({ offsets: [0, 0, 0, 0, 6, 0] }), DEFAULT_LIMITS).variant).toBe('general');
  });

  it('gives each thread an 8×8 register tile where the workgroup keeps at least 32 threads', () => {
    expect(threadTile(64, 64)).toEqual([8, 8]);
    expect(threadTile(32, 64)).toEqual([8, 8]);
    expect(threadTile(64, 32)).toEqual([8, 8]);
    expect(threadTile(32, 32)).toEqual([4, 8]);
    expect(threadTile(16, 32)).toEqual([4, 4]);
    expect(threadTile(16, 16)).toEqual([4, 4]);
    const c = chooseMatmul(shape({ M: 4096, N: 1536 }), DEFAULT_LIMITS);
    expect([c.rpt, c.cpt, c.wgX, c.wgY]).toEqual([8, 8, 8, 8]);
    const g = chooseMatmul(shape({ M: 4096, N: 1536 }), DEFAULT_LIMITS, 'general');
    expect([g.rpt, g.cpt, g.wgX * 4, g.wgY * 4]).toEqual([4, 4, g.tileN, g.tileM]);
  });

  it('honours the forcing flag', () => {
    expect(chooseMatmul(shape({}), DEFAULT_LIMITS, 'general').variant).toBe('general');
    expect(chooseMatmul(shape({}), DEFAULT_LIMITS, 'vec4').variant).toBe('vec4');
    const largest = chooseMatmul(shape({ M: 64, N: 64, K: 64 }), DEFAULT_LIMITS, 'vec4-largest');
    expect([largest.variant, largest.tileM, largest.tileN]).toEqual(['vec4', 64, 64]);
    expect(chooseMatmul(shape({ M: 64, N: 64, K: 64 }), DEFAULT_LIMITS, 'vec4').tileM).toBeLessThan(64);
    expect(chooseMatmul(shape({ N: 11 }), DEFAULT_LIMITS, 'vec4').variant).toBe('general'); // cannot fit: still runs
  });

  it('routes SwiGLU over columns to its own entry point in the vec4 variant, and checks pair parity', () => {
    expect(chooseMatmul(shape({ N: 3072, epilogue: 'swiglu_n' }), DEFAULT_LIMITS).entryPoint).toBe('main_swiglu_n');
    expect(chooseMatmul(shape({ N: 3072, epilogue: 'swiglu_n' }), DEFAULT_LIMITS, 'general').entryPoint).toBe('main');
    expect(() => chooseMatmul(shape({ N: 7, epilogue: 'swiglu_n' }), DEFAULT_LIMITS)).toThrow(/even N/);
    expect(() => chooseMatmul(shape({ M: 7, epilogue: 'swiglu_m' }), DEFAULT_LIMITS)).toThrow(/even M/);
  });

  it('respects the adapter limits on invocations and workgroup memory', () => {
    const tight = { ...DEFAULT_LIMITS, maxComputeInvocationsPerWorkgroup: 64, maxComputeWorkgroupStorageSize: 4096 };
    const c = chooseMatmul(shape({ M: 4096, N: 4096 }), tight);
    expect(c.wgX * c.wgY).toBeLessThanOrEqual(64);
    expect((c.tileM + c.tileN) * c.tileK * 4).toBeLessThanOrEqual(4096);
  });
});

describe('chooseAttention and grid1d', () => {
  it('one thread per query, smaller query blocks for short sequences, head_dim limits', () => {
    const maze = chooseAttention({ seqTotal: 916, headDim: 64, heads: 8, batch: 1, rope: true }, DEFAULT_LIMITS);
    expect(maze.queryBlock).toBe(64);
    expect(maze.workgroups).toEqual([15, 8, 1]);
    const tiny = chooseAttention({ seqTotal: 32, headDim: 16, heads: 2, batch: 2, rope: true }, DEFAULT_LIMITS);
    expect(tiny.queryBlock).toBeLessThan(64);
    expect(() => chooseAttention({ seqTotal: 97, headDim: 128, heads: 4, batch: 1, rope: true }, DEFAULT_LIMITS)).toThrow(/head_dim/);
    expect(() => chooseAttention({ seqTotal: 97, headDim: 36, heads: 4, batch: 1, rope: true }, DEFAULT_LIMITS)).toThrow(/multiples of 8/);
  });

  it('RMSNorm over rows: about four vec4 per thread, 64-thread workgroups of whole rows', () => {
    expect(chooseRowNorm(916, 512, DEFAULT_LIMITS)).toEqual({ threadsPerRow: 32, workgroups: [458, 1, 1] });
    expect(chooseRowNorm(241, 128, DEFAULT_LIMITS)).toEqual({ threadsPerRow: 8, workgroups: [31, 1, 1] });
    expect(chooseRowNorm(10, 36, DEFAULT_LIMITS).threadsPerRow).toBe(2);
    expect(chooseRowNorm(10, 4, DEFAULT_LIMITS)).toEqual({ threadsPerRow: 1, workgroups: [1, 1, 1] });
    expect(chooseRowNorm(64 * 70000, 4, DEFAULT_LIMITS).workgroups[1]).toBe(2);
    expect(() => chooseRowNorm(10, 30, DEFAULT_LIMITS)).toThrow(/divisible by 4/);
  });

  it('folds long 1-D launches into two dimensions', () => {
    expect(grid1d(1000, 256, 65535)).toEqual([4, 1, 1]);
    const [x, y] = grid1d(256 * 70000, 256, 65535);
    expect(y).toBe(2);
    expect(x * y * 256).toBeGreaterThanOrEqual(256 * 70000);
  });
});

const maze: TrmConfig = {
  task: 'maze', hidden_size: 512, num_heads: 8, expansion: 4, L_layers: 2, L_cycles: 4, H_cycles: 3, halt_max_steps: 16, mlp_t: false,
  pos_encodings: 'rope', seq_len: 900, vocab_size: 6, puzzle_emb_len: 16, puzzle_emb_ndim: 512, num_puzzle_identifiers: 876406,
  rms_norm_eps: 1e-5, rope_theta: 10000,
};

describe('buffer plan and limits check', () => {
  it('pads activation rows to the tile size and keeps the puzzle table on the host', () => {
    expect(paddedRows(97)).toBe(128);
    expect(engineSizes(maze, 2).rowsPadded).toBe(paddedRows(2 * 916));
    const plan = planBuffers(maze, 1);
    expect(plan.find((b) => b.name === 'puzzle_emb.weights')).toBeUndefined();
    expect(plan.find((b) => b.name === 'L_level.layers.0.mlp.gate_up_proj.weight')?.bytes).toBe(3072 * 512 * 4);
    expect(plan.find((b) => b.name === 'channel SwiGLU activations')?.bytes).toBe(paddedRows(916) * 1536 * 4);
  });

  it('accepts an ARC-size model at batch 1 within 128 MiB and names the buffer that a large batch overflows', () => {
    const limits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 };
    expect(() => checkBufferPlan(planBuffers(maze, 1), limits, 1)).not.toThrow();
    let err: unknown;
    try {
      checkBufferPlan(planBuffers(maze, 64), limits, 64);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GpuLimitError);
    const e = err as GpuLimitError;
    expect(e.buffer).toBe('qkv');
    expect(e.bytes).toBe(paddedRows(64 * 916) * 1536 * 4);
    expect(e.message).toMatch(/qkv.*maxStorageBufferBindingSize is 134217728 bytes.*smaller batch than 64/);
  });
});
