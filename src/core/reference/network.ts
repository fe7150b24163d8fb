// The TRM network (`L_level`, docs/spec.md §1.3–§1.4): a stack of post-norm blocks used for both the latent
// update and the answer update. One instance owns its weights' views and all scratch buffers, and runs
// one puzzle ([S][hidden]) at a time.
import type { ModelBundle } from '../bundle';
import { derivedSizes, type DerivedSizes, type TrmConfig } from '../config';
import {
  add,
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
  type AttentionScratch,
  type RopeTables,
} from './ops';

interface LayerWeights {
  mlpGateUp: Float32Array; // [2·inter, hidden]
  mlpDown: Float32Array; // [hidden, inter]
  tokenGateUp?: Float32Array; // mlp_t: [2·interT, S]
  tokenDown?: Float32Array; // mlp_t: [S, interT]
  qkv?: Float32Array; // attention: [3·hidden, hidden]
  o?: Float32Array; // attention: [hidden, hidden]
}

function tensor(bundle: ModelBundle, key: string): Float32Array {
  const t = bundle.tensors[key];
  if (!t) throw new Error(`The model bundle has no tensor ${key}; validate it with validateBundle() first.`);
  return t.data;
}

/** One network call of a TRM (`L_level`), the only part an engine on the CPU needs to supply itself. */
export interface TrmNetwork {
  readonly config: TrmConfig;
  readonly sizes: DerivedSizes;
  /** state = blocks(state + injection), in place on `state` ([S][hidden] of one puzzle). */
  call(state: Float32Array, injection: Float32Array): void;
}

export class ReferenceNetwork implements TrmNetwork {
  readonly config: TrmConfig;
  readonly sizes: DerivedSizes;
  private readonly layers: LayerWeights[];
  private readonly rope?: RopeTables;
  // Scratch, sized once for one puzzle.
  private readonly h: Float32Array; // [S][hidden]
  private readonly wide: Float32Array; // gate_up outputs, qkv
  private readonly act: Float32Array; // SwiGLU activations, attention output
  private readonly delta: Float32Array; // [S][hidden] sub-layer output before the residual add
  private readonly acc: Float64Array;
  private readonly attn?: AttentionScratch;

  constructor(bundle: ModelBundle) {
    const c = bundle.config;
    this.config = c;
    this.sizes = derivedSizes(c);
    const { seqTotal: S, inter, interT, headDim } = this.sizes;
    const H = c.hidden_size;
    this.layers = [];
    for (let l = 0; l < c.L_layers; l++) {
      const p = `L_level.layers.${l}`;
      const w: LayerWeights = {
        mlpGateUp: tensor(bundle, `${p}.mlp.gate_up_proj.weight`),
        mlpDown: tensor(bundle, `${p}.mlp.down_proj.weight`),
      };
      if (c.mlp_t) {
        w.tokenGateUp = tensor(bundle, `${p}.mlp_t.gate_up_proj.weight`);
        w.tokenDown = tensor(bundle, `${p}.mlp_t.down_proj.weight`);
      } else {
        w.qkv = tensor(bundle, `${p}.self_attn.qkv_proj.weight`);
        w.o = tensor(bundle, `${p}.self_attn.o_proj.weight`);
      }
      this.layers.push(w);
    }
    if (!c.mlp_t && c.pos_encodings === 'rope') this.rope = ropeTables(S, headDim, c.rope_theta);
    if (!c.mlp_t) this.attn = attentionScratch(S, headDim);
    const wideSize = Math.max(S * 2 * inter, c.mlp_t ? 2 * interT * H : S * 3 * H);
    const actSize = Math.max(S * inter, c.mlp_t ? interT * H : S * H);
    this.h = new Float32Array(S * H);
    this.wide = new Float32Array(wideSize);
    this.act = new Float32Array(actSize);
    this.delta = new Float32Array(S * H);
    this.acc = new Float64Array(Math.max(H, S));
  }

  /** Token mixing (mlp_t): h = rmsnorm_over_positions(h + SwiGLU_S(h over positions)), in place. */
  tokenMix(h: Float32Array, layer: number): void {
    const { seqTotal: S, interT } = this.sizes;
    const H = this.config.hidden_size;
    const w = this.layers[layer];
    matmulWX(this.wide, w.tokenGateUp!, h, 2 * interT, S, H); // [2·interT][H]
    swigluSplitRows(this.act, this.wide, interT, H); // [interT][H]
    matmulWX(this.delta, w.tokenDown!, this.act, S, interT, H); // [S][H]
    addInPlace(h, this.delta, S * H);
    rmsNormColumns(h, S, H, this.config.rms_norm_eps, this.acc);
  }

  /** Self-attention sub-layer: h = rmsnorm(h + o_proj(attention(rope(qkv_proj(h))))), in place. */
  selfAttention(h: Float32Array, layer: number): void {
    const { seqTotal: S } = this.sizes;
    const c = this.config;
    const H = c.hidden_size;
    const w = this.layers[layer];
    linear(this.wide, h, w.qkv!, S, H, 3 * H);
    if (this.rope) applyRope(this.wide, S, H, c.num_heads, this.rope);
    attention(this.act, this.wide, S, H, c.num_heads, this.attn!);
    linear(this.delta, this.act, w.o!, S, H, H);
    addInPlace(h, this.delta, S * H);
    rmsNormRows(h, S, H, c.rms_norm_eps);
  }

  /** Channel SwiGLU sub-layer: h = rmsnorm(h + down(silu(gate)·up)), in place. */
  channelMlp(h: Float32Array, layer: number): void {
    const { seqTotal: S, inter } = this.sizes;
    const H = this.config.hidden_size;
    const w = this.layers[layer];
    linear(this.wide, h, w.mlpGateUp, S, H, 2 * inter);
    swigluRows(this.act, this.wide, S, inter);
    linear(this.delta, this.act, w.mlpDown, S, inter, H);
    addInPlace(h, this.delta, S * H);
    rmsNormRows(h, S, H, this.config.rms_norm_eps);
  }

  /** One post-norm block, in place on h [S][hidden]. */
  block(h: Float32Array, layer: number): void {
    if (this.config.mlp_t) this.tokenMix(h, layer);
    else this.selfAttention(h, layer);
    this.channelMlp(h, layer);
  }

  /**
   * One network call: state = blocks(state + injection), in place on `state` ([S][hidden] views).
   * The caller sums a compound injection first (z_H + x), as the official code does.
   */
  call(state: Float32Array, injection: Float32Array): void {
    const n = this.sizes.seqTotal * this.config.hidden_size;
    add(this.h, state, injection, n);
    for (let l = 0; l < this.layers.length; l++) this.block(this.h, l);
    state.set(this.h.subarray(0, n));
  }
}
