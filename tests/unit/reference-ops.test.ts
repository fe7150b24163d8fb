// Each reference kernel against a direct, untiled f64 transcription of its formula (docs/spec.md §1.2), on sizes
// that exercise the tiled kernels' leftover rows and columns.
import { describe, expect, it } from 'vitest';
import {
  applyRope,
  argmax,
  attention,
  attentionScratch,
  embedInput,
  linear,
  matmulWX,
  rms,
  rmsNormColumns,
  rmsNormRows,
  ropeTables,
  softmaxRows,
  swigluRows,
  swigluSplitRows,
} from '../../src/core/reference/ops';
import { seededRandom } from './reference-model';

const rand = seededRandom(7);
const randomArray = (n: number) => Float32Array.from({ length: n }, () => rand() * 2 - 1);

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst).toBeLessThanOrEqual(tol);
}

const silu = (g: number) => g / (1 + Math.exp(-g));

describe('reference ops', () => {
  it.each([
    [1, 1, 1],
    [2, 4, 4],
    [3, 5, 7],
    [5, 9, 6],
  ])('linear computes x·Wᵀ + b for %i×%i inputs and %i outputs', (rows, inDim, outDim) => {
    const x = randomArray(rows * inDim);
    const w = randomArray(outDim * inDim);
    const bias = randomArray(outDim);
    const want: number[] = [];
    for (let m = 0; m < rows; m++)
      for (let n = 0; n < outDim; n++) {
        let s = bias[n];
        for (let k = 0; k < inDim; k++) s += x[m * inDim + k] * w[n * inDim + k];
        want.push(s);
      }
    const out = new Float32Array(rows * outDim);
    linear(out, x, w, rows, inDim, outDim, bias);
    expectClose(out, want, 1e-6);
    linear(out, x, w, rows, inDim, outDim);
    expectClose(out, want.map((v, i) => v - bias[i % outDim]), 1e-6);
  });

  it.each([
    [1, 1, 1],
    [2, 3, 4],
    [5, 7, 6],
    [3, 4, 9],
  ])('matmulWX computes W·X for W %i×%i and X with %i columns', (outRows, inner, cols) => {
    const w = randomArray(outRows * inner);
    const x = randomArray(inner * cols);
    const want: number[] = [];
    for (let n = 0; n < outRows; n++)
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let k = 0; k < inner; k++) s += w[n * inner + k] * x[k * cols + c];
        want.push(s);
      }
    const out = new Float32Array(outRows * cols);
    matmulWX(out, w, x, outRows, inner, cols);
    expectClose(out, want, 1e-6);
  });

  it('rmsNormRows divides each row by sqrt(mean(x²) + eps), with no weight', () => {
    const rows = 3, dim = 5, eps = 1e-5;
    const x = randomArray(rows * dim);
    const want = Array.from(x, (v, i) => {
      const r = Math.floor(i / dim);
      let ss = 0;
      for (let c = 0; c < dim; c++) ss += x[r * dim + c] ** 2;
      return v / Math.sqrt(ss / dim + eps);
    });
    rmsNormRows(x, rows, dim, eps);
    expectClose(x, want, 1e-6);
  });

  it('rmsNormColumns normalises over the positions axis, separately per channel (mlp_t)', () => {
    const rows = 7, dim = 3, eps = 1e-5;
    const x = randomArray(rows * dim);
    // Transpose, normalise rows, transpose back.
    const t = new Float32Array(rows * dim);
    for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) t[c * rows + r] = x[r * dim + c];
    rmsNormRows(t, dim, rows, eps);
    const want = new Float32Array(rows * dim);
    for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) want[r * dim + c] = t[c * rows + r];
    rmsNormColumns(x, rows, dim, eps, new Float64Array(dim));
    expectClose(x, want, 1e-7);
  });

  it('swigluRows takes the gate from the first half of each row and up from the second', () => {
    const rows = 2, inter = 3;
    const gu = randomArray(rows * 2 * inter);
    const out = new Float32Array(rows * inter);
    swigluRows(out, gu, rows, inter);
    const want = Array.from(out, (_, i) => {
      const r = Math.floor(i / inter), k = i % inter;
      return silu(gu[r * 2 * inter + k]) * gu[r * 2 * inter + inter + k];
    });
    expectClose(out, want, 1e-6);
  });

  it('swigluSplitRows takes the gate from the first inter rows and up from the rest (token mixing)', () => {
    const inter = 3, cols = 4;
    const gu = randomArray(2 * inter * cols);
    const out = new Float32Array(inter * cols);
    swigluSplitRows(out, gu, inter, cols);
    expectClose(out, Array.from(out, (_, i) => silu(gu[i]) * gu[inter * cols + i]), 1e-6);
  });

  it('ropeTables follow inv_freq = 1/theta^(2i/d), emb = concat(freqs, freqs)', () => {
    const S = 20, d = 8, theta = 10000;
    const { cos, sin } = ropeTables(S, d, theta);
    for (let p = 0; p < S; p++)
      for (let j = 0; j < d; j++) {
        const angle = p / theta ** ((2 * (j % (d / 2))) / d);
        expect(Math.abs(cos[p * d + j] - Math.cos(angle))).toBeLessThan(1e-5);
        expect(Math.abs(sin[p * d + j] - Math.sin(angle))).toBeLessThan(1e-5);
      }
  });

  it('applyRope rotates each (x[i], x[i+half]) pair of Q and K heads by the position angle and leaves V alone', () => {
    const S = 5, hidden = 8, heads = 2, hd = 4;
    const rope = ropeTables(S, hd, 10000);
    const qkv = randomArray(S * 3 * hidden);
    const before = qkv.slice();
    applyRope(qkv, S, hidden, heads, rope);
    for (let p = 0; p < S; p++)
      for (let head = 0; head < 3 * heads; head++) {
        const o = p * 3 * hidden + head * hd;
        for (let i = 0; i < hd / 2; i++) {
          const a = before[o + i], b = before[o + hd / 2 + i];
          const angle = p / 10000 ** ((2 * i) / hd);
          const [wa, wb] = head < 2 * heads ? [a * Math.cos(angle) - b * Math.sin(angle), b * Math.cos(angle) + a * Math.sin(angle)] : [a, b];
          expect(Math.abs(qkv[o + i] - wa)).toBeLessThan(1e-5);
          expect(Math.abs(qkv[o + hd / 2 + i] - wb)).toBeLessThan(1e-5);
        }
      }
  });

  it('softmaxRows makes rows of probabilities, stable for large logits', () => {
    const x = Float32Array.from([1000, 1001, 999, 0, 0, 0]);
    softmaxRows(x, 2, 3);
    expectClose(x.subarray(3), [1 / 3, 1 / 3, 1 / 3], 1e-7);
    const e = [Math.exp(-1), 1, Math.exp(-2)];
    const sum = e[0] + e[1] + e[2];
    expectClose(x.subarray(0, 3), e.map((v) => v / sum), 1e-7);
  });

  it('attention is softmax(QKᵀ/sqrt(d))·V per head, non-causal and unmasked', () => {
    const S = 6, hidden = 8, heads = 2, hd = 4;
    const qkv = randomArray(S * 3 * hidden);
    const out = new Float32Array(S * hidden);
    attention(out, qkv, S, hidden, heads, attentionScratch(S, hd));
    const at = (p: number, part: number, head: number, d: number) => qkv[p * 3 * hidden + part * hidden + head * hd + d];
    const want = new Float64Array(S * hidden);
    for (let head = 0; head < heads; head++)
      for (let i = 0; i < S; i++) {
        const s = Array.from({ length: S }, (_, j) => {
          let dot = 0;
          for (let d = 0; d < hd; d++) dot += at(i, 0, head, d) * at(j, 1, head, d);
          return Math.exp(dot / Math.sqrt(hd));
        });
        const z = s.reduce((a, b) => a + b, 0);
        for (let d = 0; d < hd; d++) want[i * hidden + head * hd + d] = s.reduce((acc, sj, j) => acc + (sj / z) * at(j, 2, head, d), 0);
      }
    expectClose(out, want, 1e-6);
  });

  it('embedInput writes [puzzle row zero-padded to the prefix, token embeddings] · scale', () => {
    const hidden = 4, vocab = 3, seqLen = 2, puzzleLen = 3, ndim = 4, scale = 2;
    const emb = randomArray(vocab * hidden);
    const table = randomArray(2 * ndim);
    const out = new Float32Array((puzzleLen + seqLen) * hidden).fill(9);
    embedInput(out, Int32Array.from([5, 2, 0]), 1, seqLen, emb, vocab, hidden, table, 1, ndim, puzzleLen, scale);
    const want = [
      ...Array.from(table.subarray(ndim, 2 * ndim), (v) => v * scale),
      ...new Array((puzzleLen - 1) * hidden).fill(0),
      ...Array.from(emb.subarray(2 * hidden, 3 * hidden), (v) => v * scale),
      ...Array.from(emb.subarray(0, hidden), (v) => v * scale),
    ];
    expectClose(out, want, 1e-6);
    expect(() => embedInput(out, Int32Array.from([3, 0]), 0, seqLen, emb, vocab, hidden, table, 0, ndim, puzzleLen, scale)).toThrow(/token 3 at cell 0 is outside the vocabulary/);
    expect(() => embedInput(out, Int32Array.from([0, 0]), 0, seqLen, emb, vocab, hidden, table, 2, ndim, puzzleLen, scale)).toThrow(/puzzle id 2 is outside/);
  });

  it('embedInput adds learned positions as scale · 0.707106781 · (embedding + positions)', () => {
    const hidden = 2, vocab = 2, seqLen = 2, puzzleLen = 1, ndim = 2, scale = 3;
    const emb = randomArray(vocab * hidden);
    const table = randomArray(ndim);
    const pos = randomArray((puzzleLen + seqLen) * hidden);
    const out = new Float32Array((puzzleLen + seqLen) * hidden);
    embedInput(out, Int32Array.from([1, 0]), 0, seqLen, emb, vocab, hidden, table, 0, ndim, puzzleLen, scale, pos);
    const plain = [...table, ...emb.subarray(2, 4), ...emb.subarray(0, 2)];
    expectClose(out, plain.map((v, i) => scale * 0.707106781 * (v + pos[i])), 1e-6);
  });

  it('argmax returns the first index on ties; rms is sqrt(mean(x²))', () => {
    expect(argmax([1, 3, 3, 2], 0, 4)).toBe(1);
    expect(argmax([0, 5, -1, -1], 2, 2)).toBe(0);
    expect(rms(Float32Array.from([3, 4, 0, 0]), 0, 2)).toBeCloseTo(Math.sqrt(12.5), 6);
  });
});
