// The official training loop on the CPU reference (docs/spec.md §5.2): one optimizer step = one ACT step for the
// whole batch. The ACT carry persists across steps; rows that halted start again from H_init/L_init with the
// batch's example in that row; a row halts at N_sup steps or when q_halt > 0 (after a random minimum of steps
// with the exploration probability). The ground truth for the WebGPU trainer, and the path without WebGPU.
import type { ModelBundle, Tensor } from '../bundle';
import { derivedSizes } from '../config';
import { AdamATan2, emaUpdate, lrAt, signSgdRows } from './optimizer';
import { NetworkGrad } from './network-grad';
import { stepLossAndGrads, type TrainBatch } from './train-step';

export interface TrainerOptions {
  lr: number;
  weightDecay: number;
  puzzleEmbLr: number;
  puzzleEmbWeightDecay: number;
  /** 0 = no EMA. */
  emaRate: number;
  warmupSteps: number;
  /** 1 = constant after warm-up (official); below 1 a cosine down to it at `totalSteps`. */
  minRatio: number;
  totalSteps: number;
  /** Probability that a row must run a random 2..N_sup steps before it may halt (official 0.1). */
  explorationProb: number;
  /** Uniform [0, 1) numbers for the exploration; seeded by the caller for reproducible runs. */
  random?: () => number;
}

export interface TrainStepResult {
  /** lm + 0.5·q_halt, summed over the batch, as the official loss head returns it. */
  loss: number;
  lmLoss: number;
  qHaltLoss: number;
  /** Rows whose whole answer is right after this step. */
  exact: number;
  lr: number;
  /** Rows that halted at this step (they take a new example at the next). */
  halted: number;
}

const NON_TRAINABLE = new Set(['H_init', 'L_init', 'puzzle_emb.weights']);

export class CpuTrmTrainer {
  step = 0;
  private readonly model: ModelBundle;
  private readonly adam = new AdamATan2();
  /** Built once (RoPE tables); it reads the weights the optimizer updates in place. */
  private readonly net: NetworkGrad;
  private readonly ema?: Record<string, Float32Array>;
  private carry: { zH: Float32Array; zL: Float32Array; steps: Int32Array; halted: Uint8Array; data: TrainBatch } | null = null;

  constructor(bundle: ModelBundle, private readonly opts: TrainerOptions) {
    const tensors: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(bundle.tensors)) tensors[k] = { shape: [...t.shape], data: t.data.slice() };
    this.model = { ...bundle, tensors };
    this.net = new NetworkGrad(this.model);
    if (opts.emaRate > 0) this.ema = Object.fromEntries(this.trainable().map((k) => [k, tensors[k].data.slice()]));
  }

  private trainable(): string[] {
    return Object.keys(this.model.tensors).filter((k) => !NON_TRAINABLE.has(k));
  }

  /** The model now: raw weights, or their EMA. */
  snapshot(weights: 'raw' | 'ema' = 'raw'): ModelBundle {
    const tensors: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(this.model.tensors))
      tensors[k] = { shape: [...t.shape], data: (weights === 'ema' && this.ema?.[k] ? this.ema[k] : t.data).slice() };
    return { ...this.model, tensors };
  }

  trainStep(batch: TrainBatch): TrainStepResult {
    const c = this.model.config;
    const B = batch.puzzleIds.length;
    const L = c.seq_len;
    const n = derivedSizes(c).seqTotal * c.hidden_size;
    const H = c.hidden_size;
    if (!this.carry)
      this.carry = {
        zH: new Float32Array(B * n), zL: new Float32Array(B * n), steps: new Int32Array(B), halted: new Uint8Array(B).fill(1),
        data: { tokens: batch.tokens.slice(), labels: batch.labels.slice(), puzzleIds: batch.puzzleIds.slice() },
      };
    const carry = this.carry;
    const hInit = this.model.tensors.H_init.data;
    const lInit = this.model.tensors.L_init.data;
    for (let b = 0; b < B; b++) {
      if (!carry.halted[b]) continue;
      for (let i = 0; i < n; i += H) {
        carry.zH.set(hInit, b * n + i);
        carry.zL.set(lInit, b * n + i);
      }
      carry.steps[b] = 0;
      carry.data.tokens.set(batch.tokens.subarray(b * L, (b + 1) * L), b * L);
      carry.data.labels.set(batch.labels.subarray(b * L, (b + 1) * L), b * L);
      carry.data.puzzleIds[b] = batch.puzzleIds[b];
    }
    const r = stepLossAndGrads(this.model, carry.data, carry, this.net);
    // Halting, as the ACT wrapper in training.
    const random = this.opts.random ?? Math.random;
    let halted = 0;
    for (let b = 0; b < B; b++) {
      carry.steps[b] += 1;
      let halt = carry.steps[b] >= c.halt_max_steps;
      if (c.halt_max_steps > 1) {
        halt ||= r.qHalt[b] > 0;
        const explore = random() < this.opts.explorationProb;
        const minSteps = explore ? 2 + Math.floor(random() * (c.halt_max_steps - 1)) : 0;
        halt &&= carry.steps[b] >= minSteps;
      }
      carry.halted[b] = halt ? 1 : 0;
      halted += carry.halted[b];
    }
    carry.zH = r.carry.zH;
    carry.zL = r.carry.zL;
    // The update: gradients of loss / B, the rate of this step, then the EMA.
    const o = this.opts;
    const factor = o.minRatio >= 1 ? lrAt(this.step, 1, o.warmupSteps, 1, 1) : lrAt(this.step, 1, o.warmupSteps, o.totalSteps, o.minRatio);
    const params: Record<string, Float32Array> = {};
    const grads: Record<string, Float32Array> = {};
    for (const k of this.trainable()) {
      params[k] = this.model.tensors[k].data;
      grads[k] = r.grads[k].map((g) => g / B);
    }
    this.adam.step(params, grads, o.lr * factor, o.weightDecay);
    const table = this.model.tensors['puzzle_emb.weights'];
    if (table && c.puzzle_emb_ndim > 0)
      signSgdRows(table.data, r.grads['puzzle_emb.weights'].map((g) => g / B), carry.data.puzzleIds, c.puzzle_emb_ndim, o.puzzleEmbLr * factor, o.puzzleEmbWeightDecay);
    if (this.ema) emaUpdate(this.ema, params, o.emaRate);
    this.step += 1;
    return { loss: r.loss, lmLoss: r.lmLoss, qHaltLoss: r.qHaltLoss, exact: r.exact, lr: o.lr * factor, halted };
  }
}
