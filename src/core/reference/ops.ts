// Small pure f32 kernels of the CPU reference TRM (docs/spec.md §1.2). Every kernel writes into a caller-owned
// Float32Array (no allocation per call) and mirrors one op of the official PyTorch code run with
// forward_dtype float32. Sums are accumulated in f64 and rounded to f32 once on store, so the reference
// sits at least as close to the exact result as PyTorch's own f32 kernels; the WGSL kernel tests
// compare each kernel with the function of the same job here.
//
// Layout: row-major. An activation of one puzzle is [S][hidden] (S = seq_len + puzzle_emb_len).
import { EngineUsageError } from '../engine-errors';

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let acc = 0;
  for (let k = 0; k < n; k++) acc += a[ao + k] * b[bo + k];
  return acc;
}

/**
 * out[m][n] = Σ_k x[m][k]·w[n][k] (+ bias[n]): a CastedLinear, `x·Wᵀ`, with W stored [out, in].
 * Register-tiled 2 rows × 4 outputs (each x and w value loaded once per tile); leftovers use `dot`.
 */
export function linear(
  out: Float32Array,
  x: Float32Array,
  w: Float32Array,
  rows: number,
  inDim: number,
  outDim: number,
  bias?: Float32Array,
): void {
  const rows2 = rows - (rows % 2);
  const out4 = outDim - (outDim % 4);
  for (let m = 0; m < rows2; m += 2) {
    const x0 = m * inDim;
    const x1 = x0 + inDim;
    const o0 = m * outDim;
    const o1 = o0 + outDim;
    for (let n = 0; n < out4; n += 4) {
      const w0 = n * inDim;
      const w1 = w0 + inDim;
      const w2 = w1 + inDim;
      const w3 = w2 + inDim;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let k = 0; k < inDim; k++) {
        const p = x[x0 + k];
        const q = x[x1 + k];
        const c0 = w[w0 + k];
        const c1 = w[w1 + k];
        const c2 = w[w2 + k];
        const c3 = w[w3 + k];
        a0 += p * c0;
        a1 += p * c1;
        a2 += p * c2;
        a3 += p * c3;
        b0 += q * c0;
        b1 += q * c1;
        b2 += q * c2;
        b3 += q * c3;
      }
      const bb0 = bias ? bias[n] : 0;
      const bb1 = bias ? bias[n + 1] : 0;
      const bb2 = bias ? bias[n + 2] : 0;
      const bb3 = bias ? bias[n + 3] : 0;
      out[o0 + n] = a0 + bb0;
      out[o0 + n + 1] = a1 + bb1;
      out[o0 + n + 2] = a2 + bb2;
      out[o0 + n + 3] = a3 + bb3;
      out[o1 + n] = b0 + bb0;
      out[o1 + n + 1] = b1 + bb1;
      out[o1 + n + 2] = b2 + bb2;
      out[o1 + n + 3] = b3 + bb3;
    }
    for (let n = out4; n < outDim; n++) {
      const bb = bias ? bias[n] : 0;
      out[o0 + n] = dot(x, x0, w, n * inDim, inDim) + bb;
      out[o1 + n] = dot(x, x1, w, n * inDim, inDim) + bb;
    }
  }
  for (let m = rows2; m < rows; m++)
    for (let n = 0; n < outDim; n++) out[m * outDim + n] = dot(x, m * inDim, w, n * inDim, inDim) + (bias ? bias[n] : 0);
}

/**
 * out[n][c] = Σ_k w[n][k]·x[k][c]: `W·X`. Used by the token-mixing SwiGLU, which multiplies each
 * channel's position vector by W (docs/spec.md §1.3): with X = h [S][hidden] this is (hᵀ·Wᵀ)ᵀ without
 * materialising the transpose. Register-tiled 2 rows × 4 columns; leftovers use a plain loop.
 */
export function matmulWX(out: Float32Array, w: Float32Array, x: Float32Array, outRows: number, inner: number, cols: number): void {
  const rows2 = outRows - (outRows % 2);
  const cols4 = cols - (cols % 4);
  for (let n = 0; n < rows2; n += 2) {
    const w0 = n * inner;
    const w1 = w0 + inner;
    const o0 = n * cols;
    const o1 = o0 + cols;
    for (let c = 0; c < cols4; c += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let k = 0; k < inner; k++) {
        const p = w[w0 + k];
        const q = w[w1 + k];
        const xo = k * cols + c;
        const x0 = x[xo];
        const x1 = x[xo + 1];
        const x2 = x[xo + 2];
        const x3 = x[xo + 3];
        a0 += p * x0;
        a1 += p * x1;
        a2 += p * x2;
        a3 += p * x3;
        b0 += q * x0;
        b1 += q * x1;
        b2 += q * x2;
        b3 += q * x3;
      }
      out[o0 + c] = a0;
      out[o0 + c + 1] = a1;
      out[o0 + c + 2] = a2;
      out[o0 + c + 3] = a3;
      out[o1 + c] = b0;
      out[o1 + c + 1] = b1;
      out[o1 + c + 2] = b2;
      out[o1 + c + 3] = b3;
    }
  }
  const plain = (n: number, c: number) => {
    let acc = 0;
    for (let k = 0; k < inner; k++) acc += w[n * inner + k] * x[k * cols + c];
    out[n * cols + c] = acc;
  };
  for (let n = 0; n < rows2; n++) for (let c = cols4; c < cols; c++) plain(n, c);
  for (let n = rows2; n < outRows; n++) for (let c = 0; c < cols; c++) plain(n, c);
}

/** In place: x[i] += y[i] for i < n (f32 add). */
export function addInPlace(x: Float32Array, y: Float32Array, n: number = x.length): void {
  for (let i = 0; i < n; i++) x[i] += y[i];
}

/** out[i] = a[i] + b[i] for i < n (f32 add). */
export function add(out: Float32Array, a: Float32Array, b: Float32Array, n: number = out.length): void {
  for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
}

/** Weightless RMSNorm over the last (channel) axis, in place: x · rsqrt(mean(x²) + eps), per row. */
export function rmsNormRows(x: Float32Array, rows: number, dim: number, eps: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let ss = 0;
    for (let c = 0; c < dim; c++) ss += x[o + c] * x[o + c];
    const scale = Math.fround(1 / Math.sqrt(Math.fround(Math.fround(ss / dim) + eps)));
    for (let c = 0; c < dim; c++) x[o + c] *= scale;
  }
}

/**
 * Weightless RMSNorm over the positions axis, separately for each channel, in place (the mlp_t block
 * normalises the transposed [hidden][S] tensor over S, docs/spec.md §0.5). `ss` is f64 scratch of `dim` values.
 */
export function rmsNormColumns(x: Float32Array, rows: number, dim: number, eps: number, ss: Float64Array): void {
  ss.fill(0, 0, dim);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    for (let c = 0; c < dim; c++) ss[c] += x[o + c] * x[o + c];
  }
  for (let c = 0; c < dim; c++) ss[c] = Math.fround(1 / Math.sqrt(Math.fround(Math.fround(ss[c] / rows) + eps)));
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    for (let c = 0; c < dim; c++) x[o + c] *= ss[c];
  }
}

/** silu(g)·u computed in f32, as torch does: silu(g) = g / (1 + exp(−g)). */
export function siluMul(g: number, u: number): number {
  return Math.fround(Math.fround(g / (1 + Math.exp(-g))) * u);
}

/**
 * SwiGLU activation for a `gate_up` output laid out [rows][2·inter]: the first half of each row is the
 * gate, the second half is up (docs/spec.md §1.2). out[r][k] = silu(gate[r][k])·up[r][k], out is [rows][inter].
 */
export function swigluRows(out: Float32Array, gateUp: Float32Array, rows: number, inter: number): void {
  for (let r = 0; r < rows; r++) {
    const go = r * 2 * inter;
    const oo = r * inter;
    for (let k = 0; k < inter; k++) out[oo + k] = siluMul(gateUp[go + k], gateUp[go + inter + k]);
  }
}

/**
 * SwiGLU activation for a token-mixing `gate_up` output laid out [2·inter][cols] (the output of
 * matmulWX): rows 0..inter−1 are the gate, rows inter..2·inter−1 are up. out is [inter][cols].
 */
export function swigluSplitRows(out: Float32Array, gateUp: Float32Array, inter: number, cols: number): void {
  const n = inter * cols;
  for (let i = 0; i < n; i++) out[i] = siluMul(gateUp[i], gateUp[n + i]);
}

export interface RopeTables {
  cos: Float32Array; // [S][headDim]
  sin: Float32Array; // [S][headDim]
  seqTotal: number;
  headDim: number;
}

/**
 * RoPE cos/sin tables at absolute positions 0..S−1, computed the way the official RotaryEmbedding does in
 * f32: inv_freq[i] = 1 / theta^(2i/headDim), freqs = pos·inv_freq, emb = concat(freqs, freqs).
 * The f32 rounding of inv_freq and of each angle is kept on purpose: at position 915 it moves the angle
 * by up to ~1e-4 rad compared with an f64 computation.
 */
export function ropeTables(seqTotal: number, headDim: number, theta: number): RopeTables {
  const half = headDim / 2;
  const invFreq = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const exponent = Math.fround(Math.fround(2 * i) / headDim);
    invFreq[i] = 1 / Math.fround(Math.pow(theta, exponent));
  }
  const cos = new Float32Array(seqTotal * headDim);
  const sin = new Float32Array(seqTotal * headDim);
  for (let p = 0; p < seqTotal; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * invFreq[i]);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[p * headDim + i] = c;
      cos[p * headDim + half + i] = c;
      sin[p * headDim + i] = s;
      sin[p * headDim + half + i] = s;
    }
  }
  return { cos, sin, seqTotal, headDim };
}

/**
 * Rotate-half RoPE, in place, on the Q and K heads of a fused qkv tensor [S][3·hidden]
 * (heads 0..H−1 are Q, H..2H−1 are K, 2H..3H−1 are V; docs/spec.md §1.2):
 * x' = x·cos + rotate_half(x)·sin with rotate_half(x) = concat(−x[half:], x[:half]).
 */
export function applyRope(qkv: Float32Array, seqTotal: number, hidden: number, numHeads: number, rope: RopeTables): void {
  const hd = hidden / numHeads;
  const half = hd / 2;
  const stride = 3 * hidden;
  for (let p = 0; p < seqTotal; p++) {
    const to = p * hd;
    for (let head = 0; head < 2 * numHeads; head++) {
      const o = p * stride + head * hd;
      for (let i = 0; i < half; i++) {
        const a = qkv[o + i];
        const b = qkv[o + half + i];
        qkv[o + i] = Math.fround(a * rope.cos[to + i]) - Math.fround(b * rope.sin[to + i]);
        qkv[o + half + i] = Math.fround(b * rope.cos[to + half + i]) + Math.fround(a * rope.sin[to + half + i]);
      }
    }
  }
}

export interface AttentionScratch {
  q: Float32Array; // [S][headDim] one head's queries
  k: Float32Array; // [S][headDim]
  v: Float32Array; // [S][headDim]
  probs: Float32Array; // [S][S] scores, then softmax probabilities
  headOut: Float32Array; // [S][headDim]
}

export function attentionScratch(seqTotal: number, headDim: number): AttentionScratch {
  const n = seqTotal * headDim;
  return {
    q: new Float32Array(n),
    k: new Float32Array(n),
    v: new Float32Array(n),
    probs: new Float32Array(seqTotal * seqTotal),
    headOut: new Float32Array(n),
  };
}

/** In place, per row of x [rows][n]: softmax with max subtraction (sums in f64). */
export function softmaxRows(x: Float32Array, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (x[o + j] > max) max = x[o + j];
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(x[o + j] - max);
    for (let j = 0; j < n; j++) x[o + j] = Math.exp(x[o + j] - max) / sum;
  }
}

/**
 * Non-causal multi-head scaled-dot-product attention without a mask (every position, prefix and PAD
 * included, attends to every position). qkv is [S][3·hidden] (Q heads, K heads, V heads), out is
 * [S][hidden] head-major like Q. Per head: P = softmax(Q·Kᵀ / sqrt(headDim)), out_head = P·V.
 */
export function attention(
  out: Float32Array,
  qkv: Float32Array,
  seqTotal: number,
  hidden: number,
  numHeads: number,
  scratch: AttentionScratch,
): void {
  const S = seqTotal;
  const hd = hidden / numHeads;
  const stride = 3 * hidden;
  const scale = 1 / Math.sqrt(hd);
  const { q, k, v, probs, headOut } = scratch;
  for (let head = 0; head < numHeads; head++) {
    for (let p = 0; p < S; p++) {
      const o = p * stride + head * hd;
      q.set(qkv.subarray(o, o + hd), p * hd);
      k.set(qkv.subarray(o + hidden, o + hidden + hd), p * hd);
      v.set(qkv.subarray(o + 2 * hidden, o + 2 * hidden + hd), p * hd);
    }
    linear(probs, q, k, S, hd, S); // Q·Kᵀ
    for (let i = 0; i < S * S; i++) probs[i] *= scale;
    softmaxRows(probs, S, S);
    matmulWX(headOut, probs, v, S, S, hd); // P·V
    for (let p = 0; p < S; p++) out.set(headOut.subarray(p * hd, (p + 1) * hd), p * hidden + head * hd);
  }
}

/** The official 1/sqrt(2) factor applied to token + learned position embeddings (keeps the variance). */
export const LEARNED_POSITION_FACTOR = 0.707106781;

/**
 * Input embedding of one puzzle (docs/spec.md §1.5): [puzzle row zero-padded to puzzle_emb_len·hidden values,
 * token embeddings] · embedScale. out is [(puzzleLen + seqLen)][hidden]. Only the first
 * ceil(puzzleNdim / hidden) prefix positions can be non-zero. With a learned position table
 * ([(puzzleLen + seqLen)][hidden], pos_encodings "learned", unused by published models) the result is
 * embedScale · 0.707106781 · (embedding + positions), as in the official code.
 */
export function embedInput(
  out: Float32Array,
  tokens: Int32Array,
  tokenOffset: number,
  seqLen: number,
  embedding: Float32Array,
  vocab: number,
  hidden: number,
  puzzleTable: Float32Array | undefined,
  puzzleId: number,
  puzzleNdim: number,
  puzzleLen: number,
  embedScale: number,
  learnedPositions?: Float32Array,
): void {
  const n = (puzzleLen + seqLen) * hidden;
  out.fill(0, 0, puzzleLen * hidden);
  if (puzzleTable && puzzleNdim > 0) {
    const rows = puzzleTable.length / puzzleNdim;
    if (!Number.isInteger(puzzleId) || puzzleId < 0 || puzzleId >= rows)
      throw new EngineUsageError(`puzzle id ${puzzleId} is outside the puzzle-embedding table (0..${rows - 1})`);
    out.set(puzzleTable.subarray(puzzleId * puzzleNdim, (puzzleId + 1) * puzzleNdim), 0);
  }
  for (let i = 0; i < seqLen; i++) {
    const t = tokens[tokenOffset + i];
    if (!Number.isInteger(t) || t < 0 || t >= vocab)
      throw new EngineUsageError(`token ${t} at cell ${i} is outside the vocabulary (0..${vocab - 1})`);
    out.set(embedding.subarray(t * hidden, (t + 1) * hidden), (puzzleLen + i) * hidden);
  }
  if (learnedPositions) {
    const factor = Math.fround(LEARNED_POSITION_FACTOR);
    for (let i = 0; i < n; i++) out[i] = factor * Math.fround(out[i] + learnedPositions[i]);
  }
  const scale = Math.fround(embedScale);
  for (let i = 0; i < n; i++) out[i] *= scale;
}

/** RMS over all values of x[offset .. offset+n): sqrt(mean(x²)). */
export function rms(x: Float32Array, offset: number, n: number): number {
  let ss = 0;
  for (let i = 0; i < n; i++) ss += x[offset + i] * x[offset + i];
  return Math.sqrt(ss / n);
}

/** Index of the largest of x[offset .. offset+n), the first one on ties (as torch.argmax). */
export function argmax(x: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  let max = x[offset];
  for (let i = 1; i < n; i++)
    if (x[offset + i] > max) {
      max = x[offset + i];
      best = i;
    }
  return best;
}
