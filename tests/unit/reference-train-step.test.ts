// One ACT training step of the CPU reference (loss, new carry, gradients of every weight and of the batch's
// puzzle rows) against the PyTorch twin's autograd on the same batch and carry (tests/fixtures/grad-step-*,
// made by training/make_grad_fixtures.py): relative error ≤ 1e-4 per tensor.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdamATan2, emaUpdate, lrAt, signSgdRows } from '../../src/core/reference/optimizer';
import { stepLossAndGrads } from '../../src/core/reference/train-step';
import { loadAppModel } from '../../src/core/weights/app-format';
import { fixturesDir } from './reference-helpers';

function close(got: ArrayLike<number>, want: number[], what: string) {
  expect(got.length, what).toBe(want.length);
  const scale = Math.max(1e-6, ...want.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  expect(worst, `${what}: worst relative error`).toBeLessThan(1e-4);
}

describe('one training step of the CPU reference vs the PyTorch twin', () => {
  for (const name of ['mlp', 'att'] as const) {
    it(`${name === 'mlp' ? 'MLP-mixer' : 'attention + RoPE'}: loss terms, new carry, every gradient`, async () => {
      const bundle = await loadAppModel(new Uint8Array(readFileSync(path.join(fixturesDir, `grad-step-${name}.safetensors`))));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const c = JSON.parse(readFileSync(path.join(fixturesDir, `grad-step-${name}.json`), 'utf8')) as Record<string, any>;
      const r = stepLossAndGrads(
        bundle,
        { tokens: Int32Array.from(c.tokens), labels: Int32Array.from(c.labels), puzzleIds: Int32Array.from(c.puzzleIds) },
        { zH: Float32Array.from(c.zH), zL: Float32Array.from(c.zL) },
      );
      expect(Math.abs(r.lmLoss - c.lmLoss) / c.lmLoss).toBeLessThan(1e-5);
      expect(Math.abs(r.qHaltLoss - c.qHaltLoss) / c.qHaltLoss).toBeLessThan(1e-5);
      expect(Math.abs(r.loss - c.loss) / c.loss).toBeLessThan(1e-5);
      expect(r.exact).toBe(c.exact);
      close(r.carry.zH, c.newZH, 'new z_H');
      close(r.carry.zL, c.newZL, 'new z_L');
      const names = Object.keys(c.grads);
      expect(names).toEqual(expect.arrayContaining(['lm_head.weight', 'q_head.weight', 'q_head.bias', 'embed_tokens.embedding_weight', 'puzzle_emb.weights']));
      for (const k of names) close(r.grads[k], c.grads[k], k);
    });
  }
});

describe('the official updates vs training/trainer/optim.py', () => {
  it('two AdamATan2 steps, SignSGD on the puzzle rows, the EMA, and the learning-rate schedule', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const o = JSON.parse(readFileSync(path.join(fixturesDir, 'grad-optimizer.json'), 'utf8')) as Record<string, any>;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const step = JSON.parse(readFileSync(path.join(fixturesDir, 'grad-step-mlp.json'), 'utf8')) as Record<string, any>;
    const names = Object.keys(o.before);
    const params = Object.fromEntries(names.map((k) => [k, Float32Array.from(o.before[k] as number[])]));
    const grads = Object.fromEntries(names.map((k) => [k, Float32Array.from((step.grads[k] as number[]).map((g) => g / o.batch))]));
    const shadow = Object.fromEntries(names.map((k) => [k, Float32Array.from(o.before[k] as number[])]));
    const table = Float32Array.from(o.tableBefore as number[]);
    const tableGrad = Float32Array.from((step.grads['puzzle_emb.weights'] as number[]).map((g) => g / o.batch));
    const adam = new AdamATan2();
    for (let s = 0; s < o.steps; s++) {
      adam.step(params, grads, o.lr, o.weightDecay);
      signSgdRows(table, tableGrad, step.puzzleIds, table.length / 3, o.embLr, o.embWeightDecay);
      emaUpdate(shadow, params, o.emaRate);
    }
    for (const k of names) {
      close(params[k], o.after[k], `${k} after`);
      close(shadow[k], o.ema[k], `${k} EMA`);
    }
    close(table, o.tableAfter, 'puzzle rows');
    expect([0, 5, 10, 55, 100, 150].map((s) => lrAt(s, 1, 10, 100, 0.1))).toEqual(o.lrAt.map((v: number) => expect.closeTo(v, 12)));
  });
});
