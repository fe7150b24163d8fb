// Each wasm kernel (src/wasm/assembly/kernels.ts) against the CPU reference op of the same job
// (src/core/reference/ops.ts), on sizes that exercise the 4×8 register blocks' leftover rows and columns, run
// once on one thread and once split between two (Node worker_threads sharing the memory), where the split
// must not change a single bit. Plus: the committed kernels-wasm.ts is what the source compiles to.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addInPlace,
  applyRope,
  attention,
  attentionScratch,
  linear,
  matmulWX,
  rmsNormColumns,
  rmsNormRows,
  ropeTables,
  swigluRows,
  swigluSplitRows,
} from '../../src/core/reference/ops';
import { kernelsBytes } from '../../src/wasm/network';
import { KernelRunner } from '../../src/wasm/threads';
import { spawnNodeThread } from '../../src/wasm/threads-node';
import { KERNELS_MODULE, kernelsModuleText } from '../../scripts/lib/wasm-build';
import { seededRandom } from './reference-model';

const root = path.join(import.meta.dirname, '..', '..');
const rand = seededRandom(11);
const randomArray = (n: number) => Float32Array.from({ length: n }, () => rand() * 2 - 1);

/** Worst |got − want| / (1 + |want|). */
function worstRelative(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return worst;
}

/** A bump allocator over a fresh memory, with one runner per thread count. */
class Arena {
  f32: Float32Array;
  private next = 65536 + 256;
  constructor(
    readonly memory: WebAssembly.Memory,
    readonly runners: KernelRunner[],
  ) {
    this.f32 = new Float32Array(memory.buffer);
  }
  reset() {
    this.next = 65536 + 256;
  }
  put(values: Float32Array | number): number {
    const at = this.next;
    const n = typeof values === 'number' ? values : values.length;
    this.next += Math.ceil((n * 4) / 64) * 64 + 64;
    if (typeof values === 'number') this.f32.fill(Number.NaN, at / 4, at / 4 + n);
    else this.f32.set(values, at / 4);
    return at;
  }
  get(at: number, n: number): Float32Array {
    return this.f32.slice(at / 4, at / 4 + n);
  }
}

let arena: Arena;
beforeAll(async () => {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 256, shared: true });
  const module = await WebAssembly.compile(kernelsBytes(true));
  // Both runners share the control block at 65536; only one runs at a time.
  arena = new Arena(memory, [await KernelRunner.create(module, memory, 65536, 1), await KernelRunner.create(module, memory, 65536, 2, spawnNodeThread)]);
});
afterAll(() => arena?.runners.forEach((r) => r.dispose()));

/**
 * Runs `call` (which lays out inputs with put() and returns a reader) on each runner, with a cost that forces
 * the two-thread runner to split the call, and checks both agree bit for bit; returns the one-thread result.
 */
function onBoth(call: (run: (name: Parameters<KernelRunner['run']>[0], args: number[], total: number, align?: number) => void) => () => Float32Array): Float32Array {
  const results = arena.runners.map((runner) => {
    arena.reset();
    const read = call((name, args, total, align) => runner.run(name, args, total, Number.MAX_SAFE_INTEGER, align));
    return read();
  });
  expect(arena.runners[1].threads).toBe(2);
  expect(Array.from(results[1])).toEqual(Array.from(results[0]));
  return results[0];
}

describe('wasm kernels vs the CPU reference', () => {
  it.each([
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 8],
    [9, 17, 13],
    [13, 33, 28],
    [97, 64, 96],
  ])('gemm: x·Wᵀ with W laid out [in][out], %i rows, %i in, %i out (and accumulating into C)', (rows, inDim, outDim) => {
    const x = randomArray(rows * inDim);
    const w = randomArray(outDim * inDim);
    const c0 = randomArray(rows * outDim);
    const wt = new Float32Array(inDim * outDim);
    for (let n = 0; n < outDim; n++) for (let k = 0; k < inDim; k++) wt[k * outDim + n] = w[n * inDim + k];
    const want = new Float32Array(rows * outDim);
    linear(want, x, w, rows, inDim, outDim);
    for (const accumulate of [false, true]) {
      const got = onBoth((run) => {
        const [px, pw, pc] = [arena.put(x), arena.put(wt), arena.put(accumulate ? c0 : rows * outDim)];
        run('gemm', [px, inDim, pw, outDim, pc, outDim, outDim, inDim, accumulate ? 1 : 0], rows, 4);
        return () => arena.get(pc, rows * outDim);
      });
      const expected = accumulate ? want.map((v, i) => Math.fround(c0[i] + v)) : want;
      expect(worstRelative(got, expected)).toBeLessThan(2e-6);
    }
  });

  it('gemm with row strides wider than the rows (views into fused tensors), as W·X of token mixing', () => {
    const [outRows, inner, cols] = [11, 13, 21];
    const w = randomArray(outRows * inner);
    const x = randomArray(inner * cols);
    const want = new Float32Array(outRows * cols);
    matmulWX(want, w, x, outRows, inner, cols);
    // A with stride inner+3, B with stride cols+5, C with stride cols+2.
    const pad = (src: Float32Array, rows: number, n: number, stride: number) => {
      const out = new Float32Array(rows * stride);
      for (let r = 0; r < rows; r++) out.set(src.subarray(r * n, (r + 1) * n), r * stride);
      return out;
    };
    const got = onBoth((run) => {
      const [pa, pb, pc] = [arena.put(pad(w, outRows, inner, inner + 3)), arena.put(pad(x, inner, cols, cols + 5)), arena.put(outRows * (cols + 2))];
      run('gemm', [pa, inner + 3, pb, cols + 5, pc, cols + 2, cols, inner, 0], outRows, 4);
      return () => {
        const all = arena.get(pc, outRows * (cols + 2));
        return Float32Array.from({ length: outRows * cols }, (_, i) => all[Math.floor(i / cols) * (cols + 2) + (i % cols)]);
      };
    });
    expect(worstRelative(got, want)).toBeLessThan(2e-6);
  });

  it('transpose, add', () => {
    const [rows, cols] = [7, 10];
    const a = randomArray(rows * cols);
    const t = onBoth((run) => {
      const [pa, pt] = [arena.put(a), arena.put(rows * cols)];
      run('transpose', [pa, cols, pt, rows, cols], rows);
      return () => arena.get(pt, rows * cols);
    });
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expect(t[c * rows + r]).toBe(a[r * cols + c]);
    const b = randomArray(rows * cols);
    const sum = onBoth((run) => {
      const [pa, pb] = [arena.put(a), arena.put(b)];
      run('add', [pa, pa, pb], rows * cols, 4);
      return () => arena.get(pa, rows * cols);
    });
    const want = Float32Array.from(a);
    addInPlace(want, b);
    expect(Array.from(sum)).toEqual(Array.from(want));
  });

  it('rmsNormRows and rmsNormColumns', () => {
    const [rows, dim, eps] = [9, 21, 1e-5];
    const x = randomArray(rows * dim);
    const byRow = onBoth((run) => {
      const px = arena.put(x);
      run('rmsNormRows', [px, dim, eps], rows);
      return () => arena.get(px, rows * dim);
    });
    const want = Float32Array.from(x);
    rmsNormRows(want, rows, dim, eps);
    expect(worstRelative(byRow, want)).toBeLessThan(1e-6);
    const byColumn = onBoth((run) => {
      const px = arena.put(x);
      const ss = arena.put(2 * dim);
      run('rmsNormColumns', [px, rows, dim, eps, ss], dim, 4);
      return () => arena.get(px, rows * dim);
    });
    want.set(x);
    rmsNormColumns(want, rows, dim, eps, new Float64Array(dim));
    expect(worstRelative(byColumn, want)).toBeLessThan(1e-6);
  });

  it('swigluRows and swigluSplit', () => {
    const [rows, inter] = [5, 12];
    const gu = randomArray(rows * 2 * inter).map((v) => v * 6);
    const got = onBoth((run) => {
      const [pg, po] = [arena.put(gu), arena.put(rows * inter)];
      run('swigluRows', [po, pg, inter], rows);
      return () => arena.get(po, rows * inter);
    });
    const want = new Float32Array(rows * inter);
    swigluRows(want, gu, rows, inter);
    expect(worstRelative(got, want)).toBeLessThan(1e-6);
    const split = onBoth((run) => {
      const [pg, po] = [arena.put(gu), arena.put(rows * inter)];
      run('swigluSplit', [po, pg, rows * inter], rows * inter, 4);
      return () => arena.get(po, rows * inter);
    });
    swigluSplitRows(want, gu, inter, rows);
    expect(worstRelative(split, want)).toBeLessThan(1e-6);
  });

  it.each([
    [13, 16, 2],
    [20, 24, 3],
    [37, 64, 4],
  ])('rope, then attention over %i positions, hidden %i, %i heads', (S, hidden, heads) => {
    const qkv = randomArray(S * 3 * hidden).map((v) => v * 3);
    const tables = ropeTables(S, hidden / heads, 10000);
    const got = onBoth((run) => {
      const [pq, pcos, psin, pkt, pp, po] = [arena.put(qkv), arena.put(tables.cos), arena.put(tables.sin), arena.put(hidden * S), arena.put(S * S), arena.put(S * hidden)];
      run('rope', [pq, hidden, heads, pcos, psin], S);
      run('transpose', [pq + 4 * hidden, 3 * hidden, pkt, S, hidden], S);
      run('attention', [pq, pkt, pp, po, S, hidden, heads], S, 4);
      return () => arena.get(po, S * hidden);
    });
    const want = new Float32Array(S * hidden);
    const ref = Float32Array.from(qkv);
    applyRope(ref, S, hidden, heads, tables);
    attention(want, ref, S, hidden, heads, attentionScratch(S, hidden / heads));
    expect(worstRelative(got, want)).toBeLessThan(5e-6);
  });
});

describe('the committed wasm build', () => {
  it(`${KERNELS_MODULE} is what src/wasm/assembly compiles to (run \`npm run build:wasm\` after editing it)`, async () => {
    const same = readFileSync(path.join(root, KERNELS_MODULE), 'utf8') === (await kernelsModuleText(root));
    expect(same, `${KERNELS_MODULE} is stale`).toBe(true);
  }, 60_000);
});
