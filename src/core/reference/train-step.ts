// The loss of one ACT step and its gradients (docs/spec.md §5): T−1 cycles without gradient, the last cycle's
// n latent calls and one answer call with it; stablemax cross-entropy over the answer cells, each example divided
// by its count of labelled cells, plus 0.5 · BCE(q_halt, whole answer correct). Gradients of every weight and of
// the puzzle-embedding rows in the batch, for the summed loss (the trainer divides by the batch size). The CPU
// ground truth of training on our own engine; tests/unit/reference-train-step.test.ts holds it to PyTorch autograd.
import type { ModelBundle } from '../bundle';
import { derivedSizes } from '../config';
import { bceWithLogits, embeddingBackward, linearBackward, stablemaxCrossEntropy } from './backward';
import { NetworkGrad, zeroGrads, type Grads, type NetworkTape } from './network-grad';
import { add, argmax, embedInput, linear } from './ops';

/** Label of a cell that is not scored (the official IGNORE_LABEL_ID). */
export const IGNORE_LABEL = -100;

export interface TrainBatch {
  tokens: Int32Array; // [B·seq_len]
  labels: Int32Array; // [B·seq_len], IGNORE_LABEL where not scored
  puzzleIds: Int32Array; // [B]
}

export interface TrainCarry {
  zH: Float32Array; // [B·S·hidden]
  zL: Float32Array;
}

export interface StepLoss {
  /** lm + 0.5·q_halt, summed over the batch (what the official ACTLossHead returns). */
  loss: number;
  lmLoss: number;
  qHaltLoss: number;
  /** Examples whose whole answer is right. */
  exact: number;
  /** Gradients of `loss` by tensor name; `puzzle_emb.weights` holds only the rows of the batch's puzzles. */
  grads: Grads;
  /** The carry after this step (the trainer's next step starts from it). */
  carry: TrainCarry;
  /** [B] q_halt logits (the ACT wrapper halts a row when it is > 0). */
  qHalt: Float32Array;
}

/** `net`: a NetworkGrad over `bundle`, kept by a caller that runs many steps (it reads the weights live). */
export function stepLossAndGrads(bundle: ModelBundle, batch: TrainBatch, carry: TrainCarry, net = new NetworkGrad(bundle)): StepLoss {
  const c = bundle.config;
  const { seqTotal: S } = derivedSizes(c);
  const H = c.hidden_size;
  const L = c.seq_len;
  const V = c.vocab_size;
  const P = c.puzzle_emb_len;
  const B = batch.puzzleIds.length;
  const grads = zeroGrads(bundle);
  const w = (k: string) => bundle.tensors[k].data;
  const out: StepLoss = {
    loss: 0, lmLoss: 0, qHaltLoss: 0, exact: 0, grads, carry: { zH: new Float32Array(B * S * H), zL: new Float32Array(B * S * H) }, qHalt: new Float32Array(B),
  };
  const embedScale = Math.sqrt(H);
  const n = S * H;

  for (let b = 0; b < B; b++) {
    const x = new Float32Array(n);
    embedInput(x, batch.tokens, b * L, L, w('embed_tokens.embedding_weight'), V, H, bundle.tensors['puzzle_emb.weights']?.data, batch.puzzleIds[b], c.puzzle_emb_ndim, P, embedScale);
    let zH: Float32Array = carry.zH.slice(b * n, (b + 1) * n);
    let zL: Float32Array = carry.zL.slice(b * n, (b + 1) * n);
    const inj = new Float32Array(n);
    // T−1 cycles without gradient; the last one keeps its tapes.
    const lTapes: NetworkTape[] = [];
    let yTape: NetworkTape | undefined;
    for (let cycle = 0; cycle < c.H_cycles; cycle++) {
      const last = cycle === c.H_cycles - 1;
      add(inj, zH, x, n);
      for (let call = 0; call < c.L_cycles; call++) {
        const t = net.forward(zL, inj);
        if (last) lTapes.push(t);
        zL = t.output;
      }
      const t = net.forward(zH, zL);
      if (last) yTape = t;
      zH = t.output;
    }
    out.carry.zH.set(zH, b * n);
    out.carry.zL.set(zL, b * n);

    // Heads: logits from the answer cells, q from the first prefix position.
    const logits = new Float32Array(L * V);
    linear(logits, zH.subarray(P * H), w('lm_head.weight'), L, H, V);
    const q = new Float32Array(2);
    linear(q, zH.subarray(0, H), w('q_head.weight'), 1, H, 2, w('q_head.bias'));
    out.qHalt[b] = q[0];
    const labels = batch.labels.subarray(b * L, (b + 1) * L);
    let count = 0;
    let correct = 0;
    for (let i = 0; i < L; i++) {
      if (labels[i] === IGNORE_LABEL) continue;
      count++;
      if (argmax(logits, i * V, V) === labels[i]) correct++;
    }
    const seqCorrect = correct === count ? 1 : 0;
    out.exact += seqCorrect;
    const dLogits = new Float32Array(L * V);
    const lm = stablemaxCrossEntropy(dLogits, logits, labels, new Float64Array(L).fill(1 / Math.max(1, count)), L, V, IGNORE_LABEL);
    const dQ = new Float32Array(2);
    const qLoss = bceWithLogits(dQ, q, Float32Array.of(seqCorrect), 1, 0.5); // q_continue has no loss (no_ACT_continue)
    out.lmLoss += lm;
    out.qHaltLoss += qLoss / 0.5;
    out.loss += lm + qLoss;

    // Backward: heads → answer call → the n latent calls → the input embedding.
    const dZH = new Float32Array(n);
    linearBackward(dLogits, zH.subarray(P * H), w('lm_head.weight'), L, H, V, { dX: dZH.subarray(P * H), dW: grads['lm_head.weight'] });
    const dRow0 = new Float32Array(H);
    linearBackward(dQ, zH.subarray(0, H), w('q_head.weight'), 1, H, 2, { dX: dRow0, dW: grads['q_head.weight'], dB: grads['q_head.bias'] });
    for (let i = 0; i < H; i++) dZH[i] += dRow0[i];
    let dZL = net.backward(yTape!, dZH, grads); // y = net(z_H_in, z_L): z_H_in carries no gradient
    const dX = new Float32Array(n);
    for (let call = c.L_cycles - 1; call >= 0; call--) {
      const dIn = net.backward(lTapes[call], dZL, grads); // z_L = net(z_L, z_H_in + x)
      for (let i = 0; i < n; i++) dX[i] += dIn[i];
      dZL = dIn;
    }
    embeddingBackward(grads['embed_tokens.embedding_weight'], dX.subarray(P * H), batch.tokens.subarray(b * L, (b + 1) * L), H, embedScale);
    const table = grads['puzzle_emb.weights'];
    if (table && c.puzzle_emb_ndim > 0) {
      const o = batch.puzzleIds[b] * c.puzzle_emb_ndim;
      for (let j = 0; j < c.puzzle_emb_ndim; j++) table[o + j] += embedScale * dX[j];
    }
  }
  return out;
}
