// The official training recipe's updates (docs/spec.md §5.4), for the CPU reference trainer: AdamATan2 (a = b = 1,
// no eps) with decoupled weight decay on the network's weights, SignSGD on the puzzle-embedding rows of the batch,
// the warm-up + cosine learning rate, and the EMA of the weights. Mirrors training/trainer/optim.py and ema.py.

/** Per element: p ·= 1 − lr·wd; m = lerp(m, g, 1−β1); v = lerp(v, g², 1−β2); p −= lr/(1−β1ᵗ) · atan2(m, √v/√(1−β2ᵗ)). */
export class AdamATan2 {
  private readonly state = new Map<string, { m: Float32Array; v: Float32Array; t: number }>();

  constructor(private readonly betas: [number, number] = [0.9, 0.95]) {}

  /** Updates each named parameter in place from its gradient (same name); parameters without one are left alone. */
  step(params: Record<string, Float32Array>, grads: Record<string, Float32Array | undefined>, lr: number, weightDecay: number): void {
    const [b1, b2] = this.betas;
    for (const [name, p] of Object.entries(params)) {
      const g = grads[name];
      if (!g) continue;
      let s = this.state.get(name);
      if (!s) this.state.set(name, (s = { m: new Float32Array(p.length), v: new Float32Array(p.length), t: 0 }));
      s.t += 1;
      const bias1 = lr / (1 - b1 ** s.t);
      const bias2 = Math.sqrt(1 - b2 ** s.t);
      for (let i = 0; i < p.length; i++) {
        p[i] *= 1 - lr * weightDecay;
        s.m[i] += (g[i] - s.m[i]) * (1 - b1);
        s.v[i] += (g[i] * g[i] - s.v[i]) * (1 - b2);
        p[i] -= bias1 * Math.atan2(s.m[i], Math.sqrt(s.v[i]) / bias2);
      }
    }
  }
}

/** Sparse SignSGD on the rows `ids` of a [rows][dim] table (each row once): w = w·(1 − lr·wd) − lr·sign(grad). */
export function signSgdRows(table: Float32Array, grad: Float32Array, ids: Iterable<number>, dim: number, lr: number, weightDecay: number): void {
  for (const id of new Set(ids)) {
    const o = id * dim;
    for (let j = 0; j < dim; j++) table[o + j] = table[o + j] * (1 - lr * weightDecay) - lr * Math.sign(grad[o + j]);
  }
}

/** Linear warm-up from 0 over `warmup` steps, then a cosine from `base` to `minRatio`·base at `total`. */
export function lrAt(step: number, base: number, warmup: number, total: number, minRatio: number): number {
  if (step < warmup) return (base * step) / Math.max(1, warmup);
  const progress = Math.min(1, Math.max(0, (step - warmup) / Math.max(1, total - warmup)));
  return base * (minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** shadow = rate·shadow + (1 − rate)·param, after every optimizer step. */
export function emaUpdate(shadow: Record<string, Float32Array>, params: Record<string, Float32Array>, rate: number): void {
  for (const [name, s] of Object.entries(shadow)) {
    const p = params[name];
    for (let i = 0; i < s.length; i++) s[i] += (p[i] - s[i]) * (1 - rate);
  }
}
