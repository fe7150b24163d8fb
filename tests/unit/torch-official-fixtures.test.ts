// Checkpoints written by training/trm/checkpoint.py save_official (tests/fixtures/official, made by
// make_official_fixtures.py): bf16 or fp32 inits, with or without `_orig_mod.`, all load to identical tensors
// that match the values torch computed (expected.json).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferTrmConfig, loadOfficialBundle, readTorchCheckpoint } from '../../src/core/weights/torch';
import { repoRoot } from './torch-helpers';

const dir = path.resolve(repoRoot, 'tests/fixtures/official');
const ATT = ['tiny-att-bf16', 'tiny-att-bf16-noprefix', 'tiny-att-f32', 'tiny-att-f32-noprefix'];

interface Expected {
  prefix: string;
  tensors: Record<string, { shape: number[]; dtype: string; sum: number; first: number[] }>;
}
const load = (name: string) => readTorchCheckpoint(new Uint8Array(readFileSync(path.join(dir, name, 'step_0'))));
const expected = (name: string): Expected => JSON.parse(readFileSync(path.join(dir, name, 'expected.json'), 'utf8'));
const yaml = (name: string) => readFileSync(path.join(dir, name, 'all_config.yaml'), 'utf8');

describe('official-format fixtures from save_official', () => {
  it.each([...ATT, 'tiny-mlp-bf16'])('%s matches the values torch computed', async (name) => {
    const ckpt = await load(name);
    const want = expected(name);
    expect(ckpt.prefix).toBe(want.prefix);
    expect(ckpt.keys).toEqual(Object.keys(want.tensors));
    for (const [key, w] of Object.entries(want.tensors)) {
      expect(ckpt.info(key)).toEqual({ shape: w.shape, dtype: w.dtype });
      const t = await ckpt.tensor(key);
      expect(Array.from(t.data.subarray(0, w.first.length))).toEqual(w.first.map(Math.fround));
      let sum = 0;
      for (const v of t.data) sum += v;
      expect(Math.abs(sum - w.sum)).toBeLessThan(1e-9 * Math.max(1, t.data.length));
    }
  });

  it('all four attention variants hold identical tensors', async () => {
    const [first, ...rest] = await Promise.all(ATT.map(load));
    for (const other of rest) {
      expect(other.keys).toEqual(first.keys);
      for (const key of first.keys) {
        const [a, b] = [(await other.tensor(key)).data, (await first.tensor(key)).data];
        expect([key, Buffer.from(a.buffer).equals(Buffer.from(b.buffer))]).toEqual([key, true]);
      }
    }
  });

  it('infers the config (mlp_t from the layer keys, seq_len 16 from mlp_t; attention needs seq_len given)', async () => {
    const mlp = inferTrmConfig(await load('tiny-mlp-bf16'), yaml('tiny-mlp-bf16'));
    expect(mlp.config).toMatchObject({ task: 'sudoku', mlp_t: true, seq_len: 16, vocab_size: 6, hidden_size: 16, L_layers: 1, L_cycles: 3, H_cycles: 2, num_puzzle_identifiers: 3 });
    const att = inferTrmConfig(await load('tiny-att-bf16-noprefix'), yaml('tiny-att-bf16-noprefix'), undefined, { seq_len: 16 });
    expect(att.config).toMatchObject({ task: 'sudoku', mlp_t: false, pos_encodings: 'rope', seq_len: 16, num_heads: 2, L_layers: 2, L_cycles: 2 });
    expect(att.needsConfirmation).toBe(false);
  });

  it('builds a bundle with a subset of puzzle rows', async () => {
    const b = await loadOfficialBundle(await load('tiny-att-f32'), { yaml: yaml('tiny-att-f32'), rows: [2, 0], overrides: { seq_len: 16 } });
    const full = await (await load('tiny-att-f32')).tensor('puzzle_emb.weights');
    expect(b.config.num_puzzle_identifiers).toBe(2);
    expect(Array.from(b.tensors['puzzle_emb.weights'].data)).toEqual([...full.data.subarray(32, 48), ...full.data.subarray(0, 16)]);
  });
});
