// The backward ops of the CPU reference against PyTorch autograd through the twin's functions
// (tests/fixtures/grad-ops.json, made by training/make_grad_fixtures.py): relative error ≤ 1e-4 per value.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyRopeBackward, attentionBackward, bceWithLogits, embeddingBackward, linearBackward, matmulWXBackward, rmsNormRowsBackward, stablemaxCrossEntropy,
  swigluRowsBackward,
} from '../../src/core/reference/backward';
import { NetworkGrad, zeroGrads } from '../../src/core/reference/network-grad';
import { applyRope, ropeTables } from '../../src/core/reference/ops';
import { loadAppModel } from '../../src/core/weights/app-format';
import { expectCloseToScale, fixturesDir } from './reference-helpers';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx = JSON.parse(readFileSync(path.join(fixturesDir, 'grad-ops.json'), 'utf8')) as Record<string, any>;
const f32 = (a: number[]) => Float32Array.from(a);

const close = expectCloseToScale;

describe('CPU reference backward vs PyTorch autograd', () => {
  it('linear: dX, dW, dB', () => {
    const c = fx.linear;
    const dX = new Float32Array(c.rows * c.in);
    const dW = new Float32Array(c.out * c.in);
    const dB = new Float32Array(c.out);
    linearBackward(f32(c.dY), f32(c.x), f32(c.w), c.rows, c.in, c.out, { dX, dW, dB });
    close(dX, c.dX, 'dX');
    close(dW, c.dW, 'dW');
    close(dB, c.dB, 'dB');
    // Weight gradients accumulate over calls.
    linearBackward(f32(c.dY), f32(c.x), f32(c.w), c.rows, c.in, c.out, { dW, dB });
    close(dW, c.dW.map((v: number) => 2 * v), 'dW after two calls');
  });

  it('SwiGLU activation', () => {
    const c = fx.swiglu;
    const d = new Float32Array(c.rows * 2 * c.inter);
    swigluRowsBackward(d, f32(c.dOut), f32(c.gateUp), c.rows, c.inter);
    close(d, c.dGateUp, 'dGateUp');
  });

  it('weightless RMSNorm', () => {
    const c = fx.rmsnorm;
    const d = new Float32Array(c.rows * c.dim);
    rmsNormRowsBackward(d, f32(c.dY), f32(c.x), c.rows, c.dim, c.eps);
    close(d, c.dX, 'dX');
  });

  it('stablemax cross-entropy with ignored cells and per-example scaling', () => {
    const c = fx.stablemax_ce;
    const d = new Float32Array(c.rows * c.vocab);
    const loss = stablemaxCrossEntropy(d, f32(c.logits), Int32Array.from(c.labels), Float64Array.from(c.scale), c.rows, c.vocab, c.ignore);
    expect(Math.abs(loss - c.loss) / Math.abs(c.loss)).toBeLessThan(1e-6);
    close(d, c.dLogits, 'dLogits');
  });

  it('binary cross-entropy with logits (q head)', () => {
    const c = fx.bce;
    const d = new Float32Array(c.n);
    const loss = bceWithLogits(d, f32(c.z), f32(c.target), c.n, c.weight);
    expect(Math.abs(loss - c.loss) / Math.abs(c.loss)).toBeLessThan(1e-6);
    close(d, c.dZ, 'dZ');
  });

  it('embedding rows: repeated ids accumulate, other rows stay 0', () => {
    const c = fx.embedding;
    const d = new Float32Array(c.rows * c.dim);
    embeddingBackward(d, f32(c.dOut), Int32Array.from(c.ids), c.dim);
    close(d, c.dTable, 'dTable');
  });

  it('MLP-mixer token mixing (W·X): dW, dX', () => {
    const c = fx.matmul_wx;
    const dX = new Float32Array(c.inner * c.cols);
    const dW = new Float32Array(c.outRows * c.inner);
    matmulWXBackward(f32(c.dOut), f32(c.w), f32(c.x), c.outRows, c.inner, c.cols, { dX, dW });
    close(dX, c.dX, 'dX');
    close(dW, c.dW, 'dW');
  });

  it('attention with RoPE, the softmax recomputed: d(qkv) through both', () => {
    const c = fx.attention_rope;
    const rope = ropeTables(c.seq, c.hidden / c.heads, c.theta);
    const rotated = f32(c.qkv);
    applyRope(rotated, c.seq, c.hidden, c.heads, rope); // the forward's RoPE on Q and K: attention's input
    const dQkv = new Float32Array(c.seq * 3 * c.hidden);
    attentionBackward(dQkv, f32(c.dOut), rotated, c.seq, c.hidden, c.heads);
    applyRopeBackward(dQkv, c.seq, c.hidden, c.heads, rope);
    close(dQkv, c.dQkv, 'dQkv');
  });
});

describe('one network call (L_level) vs PyTorch autograd on the twin', () => {
  for (const name of ['mlp', 'att'] as const) {
    it(`${name === 'mlp' ? 'MLP-mixer' : 'attention + RoPE'}: gradients of state, injection and every weight`, async () => {
      const bundle = await loadAppModel(new Uint8Array(readFileSync(path.join(fixturesDir, `grad-net-${name}.safetensors`))));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const c = JSON.parse(readFileSync(path.join(fixturesDir, `grad-net-${name}.json`), 'utf8')) as Record<string, any>;
      const net = new NetworkGrad(bundle);
      const tape = net.forward(f32(c.state), f32(c.injection));
      const grads = zeroGrads(bundle);
      const dIn = net.backward(tape, f32(c.dOut), grads);
      close(dIn, c.dState, 'dState');
      close(dIn, c.dInjection, 'dInjection');
      const names = Object.keys(c.grads);
      expect(names.length).toBeGreaterThanOrEqual(8);
      for (const k of names) close(grads[k], c.grads[k], k);
    });
  }
});
