// AssemblyScript source of the wasm CPU engine's kernels (compiled by scripts/build-wasm.ts into
// src/wasm/kernels-wasm.ts). Every argument that names an array is a byte address in the imported linear
// memory; the TypeScript side (src/wasm/network.ts) owns the layout and all allocation, so nothing here
// allocates and the module has no runtime. Kernels work on f32 with 128-bit SIMD; each one mirrors the op of
// the same name in src/core/reference/ops.ts (which sums in f64), so tests compare them within float rounding.
//
// Work is split between threads by the caller: every exported kernel takes a range as its last two arguments
// and writes only the outputs of that range, so instances sharing one memory can run one call on disjoint ranges.

/**
 * C[m][n] (+)= Σ_k A[m][k]·B[k][n] for m in [m0, m1), n in [0, N). Row strides lda, ldb, ldc are in floats.
 * Register-blocked 4 rows × 8 columns (8 f32x4 accumulators, two B vectors and one broadcast live at once,
 * which fits the 16 SIMD registers of x86-64); leftovers take 1 row × 8, then 4-wide and scalar columns.
 * With `accumulate` the product is added to C once, after the whole sum (as `h + (x·W)` is rounded).
 */
export function gemm(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, N: i32, K: i32, accumulate: bool, m0: i32, m1: i32): void {
  const n8 = N & ~7;
  const n4 = N & ~3;
  const sa = <usize>lda << 2;
  const sb = <usize>ldb << 2;
  const sc = <usize>ldc << 2;
  let m = m0;
  for (; m + 4 <= m1; m += 4) {
    const a0 = a + <usize>m * sa;
    const c0 = c + <usize>m * sc;
    for (let n = 0; n < n8; n += 8) {
      let acc00 = f32x4.splat(0), acc01 = f32x4.splat(0);
      let acc10 = f32x4.splat(0), acc11 = f32x4.splat(0);
      let acc20 = f32x4.splat(0), acc21 = f32x4.splat(0);
      let acc30 = f32x4.splat(0), acc31 = f32x4.splat(0);
      let pb = b + (<usize>n << 2);
      let pa = a0;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let x = f32x4.splat(load<f32>(pa));
        acc00 = f32x4.add(acc00, f32x4.mul(x, b0));
        acc01 = f32x4.add(acc01, f32x4.mul(x, b1));
        x = f32x4.splat(load<f32>(pa + sa));
        acc10 = f32x4.add(acc10, f32x4.mul(x, b0));
        acc11 = f32x4.add(acc11, f32x4.mul(x, b1));
        x = f32x4.splat(load<f32>(pa + 2 * sa));
        acc20 = f32x4.add(acc20, f32x4.mul(x, b0));
        acc21 = f32x4.add(acc21, f32x4.mul(x, b1));
        x = f32x4.splat(load<f32>(pa + 3 * sa));
        acc30 = f32x4.add(acc30, f32x4.mul(x, b0));
        acc31 = f32x4.add(acc31, f32x4.mul(x, b1));
        pb += sb;
        pa += 4;
      }
      const pc = c0 + (<usize>n << 2);
      store8(pc, acc00, acc01, accumulate);
      store8(pc + sc, acc10, acc11, accumulate);
      store8(pc + 2 * sc, acc20, acc21, accumulate);
      store8(pc + 3 * sc, acc30, acc31, accumulate);
    }
    for (let r = 0; r < 4; r++) gemmTail(a0 + <usize>r * sa, b, sb, c0 + <usize>r * sc, n8, n4, N, K, accumulate);
  }
  for (; m < m1; m++) {
    const a0 = a + <usize>m * sa;
    const c0 = c + <usize>m * sc;
    for (let n = 0; n < n8; n += 8) {
      let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
      let pb = b + (<usize>n << 2);
      let pa = a0;
      for (let k = 0; k < K; k++) {
        const x = f32x4.splat(load<f32>(pa));
        acc0 = f32x4.add(acc0, f32x4.mul(x, v128.load(pb)));
        acc1 = f32x4.add(acc1, f32x4.mul(x, v128.load(pb, 16)));
        pb += sb;
        pa += 4;
      }
      store8(c0 + (<usize>n << 2), acc0, acc1, accumulate);
    }
    gemmTail(a0, b, sb, c0, n8, n4, N, K, accumulate);
  }
}

// @ts-ignore: decorator
@inline
function store8(pc: usize, lo: v128, hi: v128, accumulate: bool): void {
  if (accumulate) {
    v128.store(pc, f32x4.add(v128.load(pc), lo));
    v128.store(pc, f32x4.add(v128.load(pc, 16), hi), 16);
  } else {
    v128.store(pc, lo);
    v128.store(pc, hi, 16);
  }
}

/** Columns [n8, N) of one output row: one 4-wide block if it fits, then scalars. */
function gemmTail(a0: usize, b: usize, sb: usize, c0: usize, n8: i32, n4: i32, N: i32, K: i32, accumulate: bool): void {
  let n = n8;
  if (n < n4) {
    let acc = f32x4.splat(0);
    let pb = b + (<usize>n << 2);
    for (let k = 0; k < K; k++) {
      acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(a0 + (<usize>k << 2))), v128.load(pb)));
      pb += sb;
    }
    const pc = c0 + (<usize>n << 2);
    v128.store(pc, accumulate ? f32x4.add(v128.load(pc), acc) : acc);
    n += 4;
  }
  for (; n < N; n++) {
    let acc: f32 = 0;
    let pb = b + (<usize>n << 2);
    for (let k = 0; k < K; k++) {
      acc += load<f32>(a0 + (<usize>k << 2)) * load<f32>(pb);
      pb += sb;
    }
    const pc = c0 + (<usize>n << 2);
    store<f32>(pc, accumulate ? load<f32>(pc) + acc : acc);
  }
}

/** B[k][n] = A[n][k] for n in [n0, n1): lays a [rows][cols] block out as [cols][rows] (lda, ldb in floats). */
export function transpose(a: usize, lda: i32, b: usize, ldb: i32, K: i32, n0: i32, n1: i32): void {
  for (let n = n0; n < n1; n++) {
    const pa = a + ((<usize>n * <usize>lda) << 2);
    for (let k = 0; k < K; k++) store<f32>(b + ((<usize>k * <usize>ldb + <usize>n) << 2), load<f32>(pa + (<usize>k << 2)));
  }
}

/** out[i] = a[i] + b[i] for i in [i0, i1). */
export function add(out: usize, a: usize, b: usize, i0: i32, i1: i32): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

/** Weightless RMSNorm of rows [r0, r1) of x [rows][dim], in place. */
export function rmsNormRows(x: usize, dim: i32, eps: f32, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const p = x + ((<usize>r * <usize>dim) << 2);
    let ss: f64 = 0;
    for (let c = 0; c < dim; c++) {
      const v = <f64>load<f32>(p + (<usize>c << 2));
      ss += v * v;
    }
    const scale = <f32>(1 / Math.sqrt(<f64>(<f32>(<f32>(ss / dim) + eps))));
    scaleRow(p, dim, scale);
  }
}

// @ts-ignore: decorator
@inline
function scaleRow(p: usize, dim: i32, scale: f32): void {
  const s = f32x4.splat(scale);
  let c = 0;
  for (; c + 4 <= dim; c += 4) v128.store(p + (<usize>c << 2), f32x4.mul(v128.load(p + (<usize>c << 2)), s));
  for (; c < dim; c++) store<f32>(p + (<usize>c << 2), load<f32>(p + (<usize>c << 2)) * scale);
}

/**
 * Weightless RMSNorm over the rows axis for columns [c0, c1) of x [rows][dim], in place (the token-mixing
 * block normalises each channel over positions). `ss` holds `dim` f64 of scratch.
 */
export function rmsNormColumns(x: usize, rows: i32, dim: i32, eps: f32, ss: usize, c0: i32, c1: i32): void {
  for (let c = c0; c < c1; c++) store<f64>(ss + (<usize>c << 3), 0);
  for (let r = 0; r < rows; r++) {
    const p = x + ((<usize>r * <usize>dim) << 2);
    for (let c = c0; c < c1; c++) {
      const v = <f64>load<f32>(p + (<usize>c << 2));
      store<f64>(ss + (<usize>c << 3), load<f64>(ss + (<usize>c << 3)) + v * v);
    }
  }
  for (let c = c0; c < c1; c++) {
    const s = load<f64>(ss + (<usize>c << 3));
    store<f64>(ss + (<usize>c << 3), <f64>(<f32>(1 / Math.sqrt(<f64>(<f32>(<f32>(s / rows) + eps))))));
  }
  for (let r = 0; r < rows; r++) {
    const p = x + ((<usize>r * <usize>dim) << 2);
    for (let c = c0; c < c1; c++) store<f32>(p + (<usize>c << 2), load<f32>(p + (<usize>c << 2)) * <f32>load<f64>(ss + (<usize>c << 3)));
  }
}

// @ts-ignore: decorator
@inline
function siluMul(g: f32, u: f32): f32 {
  return <f32>(g / <f32>(1 + Mathf.exp(-g))) * u;
}

/** SwiGLU of rows [r0, r1) of gateUp [rows][2·inter] (gate half, then up half) into out [rows][inter]. */
export function swigluRows(out: usize, gateUp: usize, inter: i32, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const g = gateUp + ((<usize>r * <usize>(2 * inter)) << 2);
    const u = g + (<usize>inter << 2);
    const o = out + ((<usize>r * <usize>inter) << 2);
    for (let k = 0; k < inter; k++) store<f32>(o + (<usize>k << 2), siluMul(load<f32>(g + (<usize>k << 2)), load<f32>(u + (<usize>k << 2))));
  }
}

/** SwiGLU of a [2·n] buffer split in halves (gate values [0, n), up values [n, 2n)), for i in [i0, i1). */
export function swigluSplit(out: usize, gateUp: usize, n: i32, i0: i32, i1: i32): void {
  const u = gateUp + (<usize>n << 2);
  for (let i = i0; i < i1; i++) store<f32>(out + (<usize>i << 2), siluMul(load<f32>(gateUp + (<usize>i << 2)), load<f32>(u + (<usize>i << 2))));
}

/**
 * Rotate-half RoPE on the Q and K heads of rows [p0, p1) of qkv [S][3·hidden], in place; cos/sin are
 * [S][headDim] tables.
 */
export function rope(qkv: usize, hidden: i32, numHeads: i32, cos: usize, sin: usize, p0: i32, p1: i32): void {
  const hd = hidden / numHeads;
  const half = hd >> 1;
  for (let p = p0; p < p1; p++) {
    const t = <usize>(p * hd) << 2;
    for (let head = 0; head < 2 * numHeads; head++) {
      const o = qkv + ((<usize>(p * 3 * hidden + head * hd)) << 2);
      for (let i = 0; i < half; i++) {
        const pa = o + (<usize>i << 2);
        const pb = o + (<usize>(half + i) << 2);
        const x = load<f32>(pa);
        const y = load<f32>(pb);
        store<f32>(pa, x * load<f32>(cos + t + (<usize>i << 2)) - y * load<f32>(sin + t + (<usize>i << 2)));
        store<f32>(pb, y * load<f32>(cos + t + (<usize>(half + i) << 2)) + x * load<f32>(sin + t + (<usize>(half + i) << 2)));
      }
    }
  }
}

/** In place on rows [r0, r1) of x [rows][n]: x = softmax(x·scale) per row. */
function softmaxRows(x: usize, n: i32, scale: f32, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const p = x + ((<usize>r * <usize>n) << 2);
    let max = -Infinity as f32;
    for (let j = 0; j < n; j++) {
      const v = load<f32>(p + (<usize>j << 2)) * scale;
      store<f32>(p + (<usize>j << 2), v);
      if (v > max) max = v;
    }
    let sum: f64 = 0;
    for (let j = 0; j < n; j++) {
      const e = Mathf.exp(load<f32>(p + (<usize>j << 2)) - max);
      store<f32>(p + (<usize>j << 2), e);
      sum += <f64>e;
    }
    scaleRow(p, n, <f32>(1 / sum));
  }
}

/**
 * Non-causal multi-head attention for query rows [r0, r1): for each head, scores = Q·Kᵀ/sqrt(headDim), softmax,
 * then P·V into that head's columns of out [S][hidden]. qkv is [S][3·hidden]; kt holds every K head transposed,
 * [hidden][S] (the `transpose` kernel makes it); probs is [S][S] scratch of which only rows [r0, r1) are used.
 */
export function attention(qkv: usize, kt: usize, probs: usize, out: usize, S: i32, hidden: i32, numHeads: i32, r0: i32, r1: i32): void {
  const hd = hidden / numHeads;
  const scale = <f32>(1 / Math.sqrt(<f64>hd));
  for (let head = 0; head < numHeads; head++) {
    const q = qkv + (<usize>(head * hd) << 2);
    const v = qkv + (<usize>(2 * hidden + head * hd) << 2);
    gemm(q, 3 * hidden, kt + ((<usize>(head * hd) * <usize>S) << 2), S, probs, S, S, hd, false, r0, r1);
    softmaxRows(probs, S, scale, r0, r1);
    gemm(probs, S, v, 3 * hidden, out + (<usize>(head * hd) << 2), hidden, hd, S, false, r0, r1);
  }
}
