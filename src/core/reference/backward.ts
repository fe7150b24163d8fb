// Backward of the CPU reference's ops (the ground truth for training on our own engine): each function takes the
// gradient of an op's output and returns (or accumulates) the gradients of its inputs and weights, for the op of
// the same name in ops.ts and the official loss (docs/spec.md §1.2, §5.3). Sums run in f64 and are stored once as
// f32, as the forward kernels do. Gradients of weights accumulate (`+=`): one weight serves many calls of a step.
// Checked against PyTorch autograd on the same inputs (tests/fixtures/grad-ops.json, training/make_grad_fixtures.py).

/**
 * Backward of `linear` (out = x·Wᵀ (+ b), W stored [out, in]): dX = dY·W (written, when `dX` is given),
 * dW += dYᵀ·X and dB += Σ_rows dY (accumulated).
 */
export function linearBackward(
  dY: Float32Array,
  x: Float32Array,
  w: Float32Array,
  rows: number,
  inDim: number,
  outDim: number,
  grads: { dX?: Float32Array; dW: Float32Array; dB?: Float32Array },
): void {
  const { dX, dW, dB } = grads;
  // Row-major loops with the innermost index contiguous in every array; sums kept in f64 rows.
  if (dX) {
    const acc = new Float64Array(inDim);
    for (let m = 0; m < rows; m++) {
      acc.fill(0);
      for (let n = 0; n < outDim; n++) {
        const g = dY[m * outDim + n];
        if (g === 0) continue;
        const wo = n * inDim;
        for (let k = 0; k < inDim; k++) acc[k] += g * w[wo + k];
      }
      dX.set(acc, m * inDim);
    }
  }
  const acc = new Float64Array(inDim);
  for (let n = 0; n < outDim; n++) {
    acc.fill(0);
    for (let m = 0; m < rows; m++) {
      const g = dY[m * outDim + n];
      if (g === 0) continue;
      const xo = m * inDim;
      for (let k = 0; k < inDim; k++) acc[k] += g * x[xo + k];
    }
    const wo = n * inDim;
    for (let k = 0; k < inDim; k++) dW[wo + k] += acc[k];
  }
  if (dB)
    for (let n = 0; n < outDim; n++) {
      let sum = 0;
      for (let m = 0; m < rows; m++) sum += dY[m * outDim + n];
      dB[n] += sum;
    }
}

/**
 * Backward of `swigluRows` (out[r][k] = silu(gate)·up, gate and up the two halves of a [rows][2·inter] row):
 * writes d(gate_up) in the same layout. silu'(g) = σ(g)·(1 + g·(1 − σ(g))).
 */
export function swigluRowsBackward(dGateUp: Float32Array, dOut: Float32Array, gateUp: Float32Array, rows: number, inter: number): void {
  for (let r = 0; r < rows; r++) {
    const go = r * 2 * inter;
    const oo = r * inter;
    for (let k = 0; k < inter; k++) {
      const g = gateUp[go + k];
      const u = gateUp[go + inter + k];
      const sig = 1 / (1 + Math.exp(-g));
      const silu = g * sig;
      const d = dOut[oo + k];
      dGateUp[go + k] = d * u * sig * (1 + g * (1 - sig));
      dGateUp[go + inter + k] = d * silu;
    }
  }
}

/**
 * Backward of the weightless RMSNorm per row, y = x·r with r = 1/√(mean(x²) + eps): dX = r·(dY − y·mean(dY·y)).
 * `x` is the norm's input (the residual sum of the post-norm block).
 */
export function rmsNormRowsBackward(dX: Float32Array, dY: Float32Array, x: Float32Array, rows: number, dim: number, eps: number): void {
  for (let row = 0; row < rows; row++) {
    const o = row * dim;
    let ss = 0;
    for (let c = 0; c < dim; c++) ss += x[o + c] * x[o + c];
    const r = 1 / Math.sqrt(ss / dim + eps);
    let dot = 0;
    for (let c = 0; c < dim; c++) dot += dY[o + c] * x[o + c] * r;
    const mean = dot / dim;
    for (let c = 0; c < dim; c++) dX[o + c] = r * (dY[o + c] - x[o + c] * r * mean);
  }
}

/** Stablemax s(x) = x + 1 for x ≥ 0, 1/(1 − x) below (the official loss's softmax replacement) and its slope. */
function stablemax(x: number): [s: number, slope: number] {
  if (x >= 0) return [x + 1, 1];
  const s = 1 / (1 - x + 1e-30);
  return [s, s * s];
}

/**
 * Stablemax cross-entropy of each row of `logits` [rows][vocab] against `labels` (rows whose label is
 * `ignore` give 0), each row's loss multiplied by `scale[row]` (the official loss divides by the example's
 * count of valid cells). Returns the summed loss; writes dLogits (0 on ignored rows). In f64, as the official loss.
 */
export function stablemaxCrossEntropy(
  dLogits: Float32Array,
  logits: Float32Array,
  labels: Int32Array,
  scale: Float64Array,
  rows: number,
  vocab: number,
  ignore: number,
): number {
  let loss = 0;
  const s = new Float64Array(vocab);
  const slope = new Float64Array(vocab);
  for (let r = 0; r < rows; r++) {
    const o = r * vocab;
    const label = labels[r];
    if (label === ignore) {
      dLogits.fill(0, o, o + vocab);
      continue;
    }
    let sum = 0;
    for (let j = 0; j < vocab; j++) {
      [s[j], slope[j]] = stablemax(logits[o + j]);
      sum += s[j];
    }
    loss -= scale[r] * Math.log(s[label] / sum);
    // d(−log(s_l / Σs))/dx_j = (1/Σs − [j = l]/s_l)·s'(x_j)
    for (let j = 0; j < vocab; j++) dLogits[o + j] = scale[r] * (1 / sum - (j === label ? 1 / s[label] : 0)) * slope[j];
  }
  return loss;
}

/** Binary cross-entropy with logits, summed over `n` (the q-head loss): returns the loss; dZ = σ(z) − t, times `weight`. */
export function bceWithLogits(dZ: Float32Array, z: Float32Array, target: Float32Array, n: number, weight = 1): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const x = z[i];
    const t = target[i];
    // log(1 + e^x) − t·x, in the overflow-safe form
    loss += weight * (Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x))));
    dZ[i] = weight * (1 / (1 + Math.exp(-x)) - t);
  }
  return loss;
}

/** Backward of an embedding lookup: dTable[ids[i]] += dOut[i] (rows of `dim`), only the rows in the batch. */
export function embeddingBackward(dTable: Float32Array, dOut: Float32Array, ids: Int32Array, dim: number, scale = 1): void {
  for (let i = 0; i < ids.length; i++) {
    const t = ids[i] * dim;
    const o = i * dim;
    for (let c = 0; c < dim; c++) dTable[t + c] += scale * dOut[o + c];
  }
}

/**
 * Backward of `matmulWX` (out = W·X: the MLP-mixer's token mixing, W [outRows][inner], X [inner][cols]):
 * dX = Wᵀ·dOut (written, when given), dW += dOut·Xᵀ.
 */
export function matmulWXBackward(
  dOut: Float32Array,
  w: Float32Array,
  x: Float32Array,
  outRows: number,
  inner: number,
  cols: number,
  grads: { dX?: Float32Array; dW: Float32Array },
): void {
  const { dX, dW } = grads;
  if (dX) {
    // dX[k][:] = Σ_n w[n][k]·dOut[n][:]
    const acc = new Float64Array(inner * cols);
    for (let n = 0; n < outRows; n++) {
      const go = n * cols;
      for (let k = 0; k < inner; k++) {
        const a = w[n * inner + k];
        if (a === 0) continue;
        const ao = k * cols;
        for (let c = 0; c < cols; c++) acc[ao + c] += a * dOut[go + c];
      }
    }
    dX.set(acc);
  }
  // dW[n][k] += dOut[n][:]·x[k][:]
  for (let n = 0; n < outRows; n++) {
    const go = n * cols;
    for (let k = 0; k < inner; k++) {
      const xo = k * cols;
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += dOut[go + c] * x[xo + c];
      dW[n * inner + k] += sum;
    }
  }
}

/**
 * Backward of `applyRope`, in place on the Q and K heads of d(qkv) [S][3·hidden]: the transpose of the rotation,
 * dx₁ = dy₁·cos + dy₂·sin and dx₂ = dy₂·cos − dy₁·sin. V heads pass through.
 */
export function applyRopeBackward(dQkv: Float32Array, seqTotal: number, hidden: number, numHeads: number, rope: { cos: Float32Array; sin: Float32Array }): void {
  const hd = hidden / numHeads;
  const half = hd / 2;
  const stride = 3 * hidden;
  for (let p = 0; p < seqTotal; p++) {
    const to = p * hd;
    for (let head = 0; head < 2 * numHeads; head++) {
      const o = p * stride + head * hd;
      for (let i = 0; i < half; i++) {
        const d1 = dQkv[o + i];
        const d2 = dQkv[o + half + i];
        dQkv[o + i] = d1 * rope.cos[to + i] + d2 * rope.sin[to + half + i];
        dQkv[o + half + i] = d2 * rope.cos[to + half + i] - d1 * rope.sin[to + i];
      }
    }
  }
}

/**
 * Backward of `attention` (per head P = softmax(Q·Kᵀ/√d), out = P·V), writing d(qkv) [S][3·hidden] from dOut
 * [S][hidden]. P is recomputed from Q and K, one head at a time (nothing of the forward is kept):
 * dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P)), dQ = dS·K/√d, dK = dSᵀ·Q/√d.
 */
export function attentionBackward(dQkv: Float32Array, dOut: Float32Array, qkv: Float32Array, seqTotal: number, hidden: number, numHeads: number): void {
  const S = seqTotal;
  const hd = hidden / numHeads;
  const stride = 3 * hidden;
  const scale = 1 / Math.sqrt(hd);
  const P = new Float64Array(S * S);
  const dP = new Float64Array(S);
  for (let head = 0; head < numHeads; head++) {
    const q = (p: number, c: number) => qkv[p * stride + head * hd + c];
    const k = (p: number, c: number) => qkv[p * stride + hidden + head * hd + c];
    const v = (p: number, c: number) => qkv[p * stride + 2 * hidden + head * hd + c];
    const dO = (p: number, c: number) => dOut[p * hidden + head * hd + c];
    for (let i = 0; i < S; i++) {
      let max = -Infinity;
      for (let j = 0; j < S; j++) {
        let s = 0;
        for (let c = 0; c < hd; c++) s += q(i, c) * k(j, c);
        P[i * S + j] = s * scale;
        if (P[i * S + j] > max) max = P[i * S + j];
      }
      let sum = 0;
      for (let j = 0; j < S; j++) sum += P[i * S + j] = Math.exp(P[i * S + j] - max);
      for (let j = 0; j < S; j++) P[i * S + j] /= sum;
    }
    const base = (p: number, part: number) => p * stride + part * hidden + head * hd;
    for (let p = 0; p < S; p++) for (let c = 0; c < hd; c++) dQkv[base(p, 0) + c] = dQkv[base(p, 1) + c] = dQkv[base(p, 2) + c] = 0;
    for (let i = 0; i < S; i++) {
      let rowDot = 0;
      for (let j = 0; j < S; j++) {
        let d = 0;
        for (let c = 0; c < hd; c++) d += dO(i, c) * v(j, c);
        dP[j] = d;
        rowDot += d * P[i * S + j];
      }
      for (let j = 0; j < S; j++) {
        const pij = P[i * S + j];
        const dS = pij * (dP[j] - rowDot) * scale;
        for (let c = 0; c < hd; c++) {
          dQkv[base(i, 0) + c] += dS * k(j, c);
          dQkv[base(j, 1) + c] += dS * q(i, c);
          dQkv[base(j, 2) + c] += pij * dO(i, c);
        }
      }
    }
  }
}
