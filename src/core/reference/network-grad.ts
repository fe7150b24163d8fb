// Gradients of one network call (`L_level`: state = blocks(state + injection), docs/spec.md §1.3–§1.4) for one
// puzzle [S][hidden]: a forward that keeps what the backward needs (each sub-layer's input, its wide
// projection, its activation and the residual sum before the norm), and the backward through every block in
// reverse, accumulating the weight gradients by tensor name. The ground truth for training on our own engine.
import type { ModelBundle } from '../bundle';
import { derivedSizes, type TrmConfig } from '../config';
import { applyRopeBackward, attentionBackward, linearBackward, matmulWXBackward, rmsNormRowsBackward, swigluRowsBackward } from './backward';
import { add, applyRope, attention, attentionScratch, linear, matmulWX, rmsNormColumns, rmsNormRows, ropeTables, swigluRows, swigluSplitRows, type RopeTables } from './ops';

/** What one sub-layer (token mixing or channel MLP) keeps for its backward. */
interface SubLayerTape {
  input: Float32Array; // h before the sub-layer
  wide: Float32Array; // gate_up output (or qkv after RoPE)
  act: Float32Array; // SwiGLU output (or attention output)
  sum: Float32Array; // h + delta, before the norm
}

export interface NetworkTape {
  layers: { mix: SubLayerTape; mlp: SubLayerTape }[];
  output: Float32Array;
}

/** Gradients by tensor name (bundle keys), accumulated over calls. */
export type Grads = Record<string, Float32Array>;

export function zeroGrads(bundle: ModelBundle): Grads {
  const g: Grads = {};
  for (const [k, t] of Object.entries(bundle.tensors)) g[k] = new Float32Array(t.data.length);
  return g;
}

/** Backward of the weightless RMSNorm over positions (per channel) of x [S][H]: the column form of rmsNormRowsBackward. */
function rmsNormColumnsBackward(dX: Float32Array, dY: Float32Array, x: Float32Array, S: number, H: number, eps: number): void {
  const t = (a: Float32Array) => {
    const out = new Float32Array(S * H);
    for (let p = 0; p < S; p++) for (let c = 0; c < H; c++) out[c * S + p] = a[p * H + c];
    return out;
  };
  const dT = new Float32Array(S * H);
  rmsNormRowsBackward(dT, t(dY), t(x), H, S, eps);
  for (let p = 0; p < S; p++) for (let c = 0; c < H; c++) dX[p * H + c] = dT[c * S + p];
}

export class NetworkGrad {
  private readonly c: TrmConfig;
  private readonly S: number;
  private readonly H: number;
  private readonly inter: number;
  private readonly interT: number;
  private readonly rope?: RopeTables;

  constructor(private readonly bundle: ModelBundle) {
    this.c = bundle.config;
    const d = derivedSizes(this.c);
    this.S = d.seqTotal;
    this.H = this.c.hidden_size;
    this.inter = d.inter;
    this.interT = d.interT;
    if (!this.c.mlp_t && this.c.pos_encodings === 'rope') this.rope = ropeTables(this.S, d.headDim, this.c.rope_theta);
  }

  private w(name: string): Float32Array {
    return this.bundle.tensors[name].data;
  }

  /** The forward of one call, keeping what the backward needs. */
  forward(state: Float32Array, injection: Float32Array): NetworkTape {
    const { S, H, c } = this;
    let h = new Float32Array(S * H);
    add(h, state, injection, S * H);
    const layers: NetworkTape['layers'] = [];
    for (let l = 0; l < c.L_layers; l++) {
      const p = `L_level.layers.${l}`;
      const mix = c.mlp_t ? this.tokenMix(h, p) : this.selfAttention(h, p);
      const mlp = this.channelMlp(mix.out, p);
      layers.push({ mix: mix.tape, mlp: mlp.tape });
      h = mlp.out;
    }
    return { layers, output: h };
  }

  private tokenMix(h: Float32Array, p: string) {
    const { S, H, interT, c } = this;
    const wide = new Float32Array(2 * interT * H);
    matmulWX(wide, this.w(`${p}.mlp_t.gate_up_proj.weight`), h, 2 * interT, S, H);
    const act = new Float32Array(interT * H);
    swigluSplitRows(act, wide, interT, H);
    const sum = new Float32Array(S * H);
    matmulWX(sum, this.w(`${p}.mlp_t.down_proj.weight`), act, S, interT, H);
    for (let i = 0; i < S * H; i++) sum[i] += h[i];
    const out = sum.slice();
    rmsNormColumns(out, S, H, c.rms_norm_eps, new Float64Array(Math.max(S, H)));
    return { out, tape: { input: h, wide, act, sum } };
  }

  private selfAttention(h: Float32Array, p: string) {
    const { S, H, c } = this;
    const wide = new Float32Array(S * 3 * H);
    linear(wide, h, this.w(`${p}.self_attn.qkv_proj.weight`), S, H, 3 * H);
    if (this.rope) applyRope(wide, S, H, c.num_heads, this.rope);
    const act = new Float32Array(S * H);
    attention(act, wide, S, H, c.num_heads, attentionScratch(S, H / c.num_heads));
    const sum = new Float32Array(S * H);
    linear(sum, act, this.w(`${p}.self_attn.o_proj.weight`), S, H, H);
    for (let i = 0; i < S * H; i++) sum[i] += h[i];
    const out = sum.slice();
    rmsNormRows(out, S, H, c.rms_norm_eps);
    return { out, tape: { input: h, wide, act, sum } };
  }

  private channelMlp(h: Float32Array, p: string) {
    const { S, H, inter, c } = this;
    const wide = new Float32Array(S * 2 * inter);
    linear(wide, h, this.w(`${p}.mlp.gate_up_proj.weight`), S, H, 2 * inter);
    const act = new Float32Array(S * inter);
    swigluRows(act, wide, S, inter);
    const sum = new Float32Array(S * H);
    linear(sum, act, this.w(`${p}.mlp.down_proj.weight`), S, inter, H);
    for (let i = 0; i < S * H; i++) sum[i] += h[i];
    const out = sum.slice();
    rmsNormRows(out, S, H, c.rms_norm_eps);
    return { out, tape: { input: h, wide, act, sum } };
  }

  /**
   * Backward of the call recorded in `tape`: accumulates weight gradients into `grads` and returns the gradient
   * of the call's input sum (= of `state` and of `injection`, which enter as state + injection).
   */
  backward(tape: NetworkTape, dOut: Float32Array, grads: Grads): Float32Array {
    const { S, H, inter, interT, c } = this;
    const eps = c.rms_norm_eps;
    let d = dOut.slice();
    for (let l = c.L_layers - 1; l >= 0; l--) {
      const p = `L_level.layers.${l}`;
      const { mix, mlp } = tape.layers[l];
      // Channel MLP: out = rmsnorm_rows(x + down(swiglu(gate_up(x))))
      const dSum = new Float32Array(S * H);
      rmsNormRowsBackward(dSum, d, mlp.sum, S, H, eps);
      const dAct = new Float32Array(S * inter);
      linearBackward(dSum, mlp.act, this.w(`${p}.mlp.down_proj.weight`), S, inter, H, { dX: dAct, dW: grads[`${p}.mlp.down_proj.weight`] });
      const dWide = new Float32Array(S * 2 * inter);
      swigluRowsBackward(dWide, dAct, mlp.wide, S, inter);
      const dIn = new Float32Array(S * H);
      linearBackward(dWide, mlp.input, this.w(`${p}.mlp.gate_up_proj.weight`), S, H, 2 * inter, { dX: dIn, dW: grads[`${p}.mlp.gate_up_proj.weight`] });
      for (let i = 0; i < S * H; i++) dIn[i] += dSum[i]; // the residual
      // Token mixing
      const dMixSum = new Float32Array(S * H);
      const dMixIn = new Float32Array(S * H);
      if (c.mlp_t) {
        rmsNormColumnsBackward(dMixSum, dIn, mix.sum, S, H, eps);
        const dTAct = new Float32Array(interT * H);
        matmulWXBackward(dMixSum, this.w(`${p}.mlp_t.down_proj.weight`), mix.act, S, interT, H, { dX: dTAct, dW: grads[`${p}.mlp_t.down_proj.weight`] });
        const dTWide = new Float32Array(2 * interT * H);
        swigluRowsBackward(dTWide, dTAct, mix.wide, 1, interT * H); // [gate block | up block] is one row of 2·interT·H
        matmulWXBackward(dTWide, this.w(`${p}.mlp_t.gate_up_proj.weight`), mix.input, 2 * interT, S, H, { dX: dMixIn, dW: grads[`${p}.mlp_t.gate_up_proj.weight`] });
      } else {
        rmsNormRowsBackward(dMixSum, dIn, mix.sum, S, H, eps);
        const dAttn = new Float32Array(S * H);
        linearBackward(dMixSum, mix.act, this.w(`${p}.self_attn.o_proj.weight`), S, H, H, { dX: dAttn, dW: grads[`${p}.self_attn.o_proj.weight`] });
        const dQkv = new Float32Array(S * 3 * H);
        attentionBackward(dQkv, dAttn, mix.wide, S, H, c.num_heads);
        if (this.rope) applyRopeBackward(dQkv, S, H, c.num_heads, this.rope);
        linearBackward(dQkv, mix.input, this.w(`${p}.self_attn.qkv_proj.weight`), S, H, 3 * H, { dX: dMixIn, dW: grads[`${p}.self_attn.qkv_proj.weight`] });
      }
      for (let i = 0; i < S * H; i++) dMixIn[i] += dMixSum[i]; // the residual
      d = dMixIn;
    }
    return d;
  }
}
