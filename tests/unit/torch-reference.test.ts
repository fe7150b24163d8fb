// The three official reference checkpoints (tests/fixtures/reference/*/step_0, made by the official code) load to
// exactly the keys, shapes and dtypes their README §2 lists, bf16 inits upcast exactly, and the config inferred
// from weights + all_config.yaml equals the constructor config in io.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedShapes } from '../../src/core/config';
import { bytesSource, inferTrmConfig, loadOfficialBundle, readTorchCheckpoint, trackReads } from '../../src/core/weights/torch';
import { openFileSource } from '../../src/core/weights/torch/node-source';
import { locateEntry, readReference, REFERENCES, referenceDir } from './torch-helpers';

const PREFIX = '_orig_mod.model.inner.';

/** README §2 tables, parsed from the README itself so the test follows the documented contract. */
function readmeTable(name: string): Array<{ index: number; key: string; shape: number[]; dtype: string }> {
  const readme = readFileSync(path.join(referenceDir, 'README.md'), 'utf8');
  const start = readme.indexOf(`\`${name}/step_0\` (15 tensors`);
  expect(start).toBeGreaterThan(0);
  const rows = [];
  for (const line of readme.slice(start).split('\n').slice(1)) {
    const m = /^\| (\d+) \| `([^`]+)` \| \[([\d, ]+)\] \| (\w+) \|$/.exec(line.trim());
    if (m) rows.push({ index: Number(m[1]), key: m[2], shape: m[3].split(',').map(Number), dtype: m[4] });
    else if (rows.length) break;
  }
  return rows;
}

function ioConfig(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(referenceDir, name, 'io.json'), 'utf8')).config;
}

describe.each(REFERENCES)('reference checkpoint %s', (name) => {
  const file = readReference(name, 'step_0');
  const yaml = readFileSync(path.join(referenceDir, name, 'all_config.yaml'), 'utf8');

  it('has exactly the keys, shapes and dtypes of README §2, in order', async () => {
    const table = readmeTable(name);
    expect(table).toHaveLength(15);
    const ckpt = await readTorchCheckpoint(file);
    expect(ckpt.prefix).toBe(PREFIX);
    expect(ckpt.keys.map((k) => PREFIX + k)).toEqual(table.map((r) => r.key));
    for (const r of table) expect(ckpt.info(r.key)).toEqual({ shape: r.shape, dtype: r.dtype });
  });

  it('upcasts the bf16 H_init/L_init exactly and reads f32 tensors bit for bit', async () => {
    const ckpt = await readTorchCheckpoint(file);
    for (const [key, rec] of [['H_init', 0], ['L_init', 1]] as const) {
      // Independent decoding: find storage record step_0/data/<i> by its local header, bits << 16.
      const [s, e] = locateEntry(file, `step_0/data/${rec}`, 64 * 2);
      const dv = new DataView(file.buffer, file.byteOffset + s, e - s);
      const want = new Float32Array(64);
      const bits = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < 64; i++) {
        bits.setUint32(0, dv.getUint16(2 * i, true) * 65536);
        want[i] = bits.getFloat32(0);
      }
      const t = await ckpt.tensor(key);
      expect(t.shape).toEqual([64]);
      expect(Array.from(t.data)).toEqual(Array.from(want));
      expect(want.some((v) => v !== 0)).toBe(true);
    }
    const info = ckpt.info('q_head.weight');
    const [s, e] = locateEntry(file, 'step_0/data/4', 2 * 64 * 4);
    const t = await ckpt.tensor('q_head.weight');
    expect(info.shape).toEqual([2, 64]);
    expect(new Uint8Array(t.data.buffer)).toEqual(file.slice(s, e));
  });

  it('infers the constructor config of io.json from the weights and all_config.yaml', async () => {
    const ckpt = await readTorchCheckpoint(file);
    const { config, needsConfirmation, assumed } = inferTrmConfig(ckpt, yaml);
    expect(needsConfirmation).toBe(false);
    expect(assumed).toEqual([]);
    const io = ioConfig(name);
    const compared = ['hidden_size', 'num_heads', 'expansion', 'L_layers', 'L_cycles', 'H_cycles', 'halt_max_steps', 'mlp_t', 'pos_encodings',
      'seq_len', 'vocab_size', 'puzzle_emb_len', 'puzzle_emb_ndim', 'num_puzzle_identifiers'] as const;
    for (const k of compared) expect([k, config[k]]).toEqual([k, io[k]]);
    expect(config.task).toBe(name.split('-')[0]);
  });

  it('refuses an all_config.yaml from another run, and takes nothing from a __proto__ key', async () => {
    const ckpt = await readTorchCheckpoint(file);
    expect(() => inferTrmConfig(ckpt, yaml.replace('hidden_size: 64', 'hidden_size: 512'))).toThrow(/arch.hidden_size = 512 but the weights have 64/);
    expect(() => inferTrmConfig(ckpt, 'arch: [1, 2]')).toThrow(/no `arch` section/);
    expect(() => inferTrmConfig(ckpt, 'arch: {a: [}')).toThrow(/not valid YAML/);
    const proto = inferTrmConfig(ckpt, 'arch:\n  __proto__:\n    L_cycles: 9\n    H_cycles: 9\n  hidden_size: 64\n');
    expect([proto.config.L_cycles, proto.config.H_cycles]).not.toContain(9);
    expect(proto.needsConfirmation).toBe(true);
    expect(proto.assumed.join(' ')).toMatch(/L_cycles = \d \(the published \w+ setting; all_config.yaml does not give it\)/);
  });

  it('without all_config.yaml, returns the presets and asks for confirmation', async () => {
    const ckpt = await readTorchCheckpoint(file);
    const r = inferTrmConfig(ckpt, null);
    expect(r.needsConfirmation).toBe(true);
    expect(r.config.H_cycles).toBe(3);
    expect(r.config.L_cycles).toBe(name.startsWith('sudoku') ? 6 : 4);
    expect(r.assumed.join(' ')).toMatch(/L_cycles/);
    // Sizes still come from the weights.
    expect(r.config.vocab_size).toBe(ioConfig(name).vocab_size);
    expect(r.config.seq_len).toBe(ioConfig(name).seq_len);
  });

  it('builds a valid ModelBundle holding exactly expectedShapes(config)', async () => {
    const b = await loadOfficialBundle(file, { yaml });
    expect(Object.keys(b.tensors).sort()).toEqual(Object.keys(expectedShapes(b.config)).sort());
    expect(b.needsConfirmation).toBe(false);
  });
});

describe('lazy reading', () => {
  it('reading one tensor touches only the zip directory, the pickle and that tensor', async () => {
    const file = readReference('sudoku-mlp-tiny', 'step_0');
    const src = trackReads(bytesSource(file));
    const ckpt = await readTorchCheckpoint(src);
    // Storage records: step_0/data/<i>, sizes from the README table (elements × 2 or 4 bytes).
    const table = readmeTable('sudoku-mlp-tiny');
    const records = table.map((r) => locateEntry(file, `step_0/data/${r.index}`, r.shape.reduce((a, s) => a * s, 1) * (r.dtype === 'bfloat16' ? 2 : 4)));
    const pkl = locateEntry(file, 'step_0/data.pkl', 0);
    const overlaps = (a: readonly number[], b: readonly number[]) => a[0] < b[1] && b[0] < a[1];
    // Opening reads the central directory (to the end of the file), the pickle and the 6-byte byteorder record
    // (each with its local header); nothing else.
    const dv = new DataView(file.buffer, file.byteOffset);
    const cdOffset = dv.getUint32(file.length - 22 + 16, true);
    const byteorder = locateEntry(file, 'step_0/byteorder', 6);
    const inside = (r: readonly number[], e: readonly number[]) => r[0] >= e[2] && r[1] <= e[1];
    for (const r of src.ranges) expect(r[0] >= cdOffset || inside(r, [0, pkl[0] + 4096, pkl[2]]) || inside(r, byteorder)).toBe(true);
    for (const r of src.ranges) for (const rec of records) expect(overlaps(r, rec)).toBe(false);
    expect(src.ranges.some((r) => r[0] <= pkl[0] && r[1] > pkl[0])).toBe(true);
    const afterOpen = src.ranges.length;

    await ckpt.tensor('L_level.layers.1.mlp_t.down_proj.weight'); // record 12, 97×512 f32
    const target = records[12];
    const touched = src.ranges.slice(afterOpen);
    records.forEach((rec, i) => {
      if (i !== 12) for (const r of touched) expect(overlaps(r, rec)).toBe(false);
    });
    expect(touched.some((r) => r[0] === target[0] && r[1] === target[1])).toBe(true);
    for (const r of touched) expect(r[0] === target[2] || (r[0] === target[0] && r[1] === target[1])).toBe(true);
    // Besides the tensor, only its local header (30 bytes + name) was read.
    expect(src.bytesRead - (target[1] - target[0])).toBeLessThan(16 * 1024);
    expect(ckpt.bytesRead).toBe(src.bytesRead);
  });

  it('reads only the requested rows of the puzzle table', async () => {
    const file = readReference('arc-att-tiny', 'step_0');
    const src = trackReads(bytesSource(file));
    const ckpt = await readTorchCheckpoint(src);
    const table = locateEntry(file, 'step_0/data/6', 5 * 64 * 4);
    const before = src.ranges.length;
    const rows = await ckpt.rows('puzzle_emb.weights', [3, 1]);
    const whole = await readTorchCheckpoint(file).then((c) => c.tensor('puzzle_emb.weights'));
    expect(rows.shape).toEqual([2, 64]);
    expect(Array.from(rows.data.subarray(0, 64))).toEqual(Array.from(whole.data.subarray(3 * 64, 4 * 64)));
    expect(Array.from(rows.data.subarray(64))).toEqual(Array.from(whole.data.subarray(64, 128)));
    const dataReads = src.ranges.slice(before).filter((r) => r[0] >= table[0] && r[1] <= table[1]);
    expect(dataReads).toEqual([
      [table[0] + 3 * 256, table[0] + 4 * 256],
      [table[0] + 256, table[0] + 2 * 256],
    ]);
    // Consecutive ids are read as one range.
    const mark = src.ranges.length;
    const run = await ckpt.rows('puzzle_emb.weights', [1, 2, 3, 0]);
    expect(Array.from(run.data)).toEqual([...whole.data.subarray(64, 256), ...whole.data.subarray(0, 64)]);
    expect(src.ranges.slice(mark).filter((r) => r[0] >= table[0] && r[1] <= table[1])).toEqual([
      [table[0] + 256, table[0] + 4 * 256],
      [table[0], table[0] + 256],
    ]);
  });

  it('builds a bundle from selected rows, renumbered, with their names', async () => {
    const file = await openFileSource(path.join(referenceDir, 'arc-att-tiny', 'step_0'));
    try {
      const yaml = readFileSync(path.join(referenceDir, 'arc-att-tiny', 'all_config.yaml'), 'utf8');
      const identifiers = ['<blank>', 'a', 'b', 'c', 'd'];
      const b = await loadOfficialBundle(file, { yaml, rows: [3, 1], identifiers });
      expect(b.config.num_puzzle_identifiers).toBe(2);
      expect(b.puzzleNames).toEqual(['c', 'a']);
      expect(b.tensors['puzzle_emb.weights'].shape).toEqual([2, 64]);
      await expect(loadOfficialBundle(file, { yaml, rows: [5] })).rejects.toThrow(/puzzle id 5 is out of range/);
      await expect(loadOfficialBundle(file, { yaml, identifiers: ['x'] })).rejects.toThrow(/identifiers.json lists 1 names/);
    } finally {
      await file.close();
    }
  });
});
