// scripts/convert.ts: an official checkpoint becomes an app-format file that loadAppModel reads back to the same
// tensors; rows/names select puzzle rows; a missing all_config.yaml is refused unless presets are accepted.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAppModel } from '../../src/core/weights/app-format';
import { readTorchCheckpoint } from '../../src/core/weights/torch';
import { rowsForNames, runConvert, UsageError } from '../../scripts/convert';
import { repoRoot } from './torch-helpers';

const tmp = mkdtempSync(path.join(tmpdir(), 'trm-convert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fixture = (name: string) => path.resolve(repoRoot, 'tests/fixtures/official', name, 'step_0');
const quiet = () => {};

describe('convert CLI', () => {
  it('writes an app model holding exactly the checkpoint tensors, with the chosen rows and their names', async () => {
    const ids = path.join(tmp, 'identifiers.json');
    writeFileSync(ids, JSON.stringify(['<blank>', 'abc123', 'abc123|||t1|||0123456789']));
    const names = path.join(tmp, 'names.txt');
    writeFileSync(names, 'abc123\n');
    const out = path.join(tmp, 'tiny.safetensors');
    await runConvert([fixture('tiny-att-bf16'), '--seq-len', '16', '--task-names', names, '--identifiers', ids, '-o', out], quiet);
    const model = await loadAppModel(new Uint8Array(readFileSync(out)));
    const ckpt = await readTorchCheckpoint(new Uint8Array(readFileSync(fixture('tiny-att-bf16'))));
    expect(model.config).toMatchObject({ task: 'sudoku', seq_len: 16, L_cycles: 2, H_cycles: 2, num_heads: 2, num_puzzle_identifiers: 2 });
    expect(model.puzzleNames).toEqual(['abc123', 'abc123|||t1|||0123456789']);
    for (const key of ckpt.keys) {
      const want = key === 'puzzle_emb.weights' ? await ckpt.rows(key, [1, 2]) : await ckpt.tensor(key);
      expect([key, Buffer.from(model.tensors[key].data.buffer).equals(Buffer.from(want.data.buffer))]).toEqual([key, true]);
    }
  });

  it('refuses to guess n/T without all_config.yaml unless told, and accepts explicit settings', async () => {
    const lone = path.join(tmp, 'lone');
    mkdirSync(lone);
    copyFileSync(fixture('tiny-mlp-bf16'), path.join(lone, 'step_7'));
    const out = path.join(tmp, 'mlp.safetensors');
    await expect(runConvert([path.join(lone, 'step_7'), '--task', 'sudoku', '-o', out], quiet)).rejects.toThrow(/L_cycles = 6 \(the published sudoku setting\)/);
    await runConvert([path.join(lone, 'step_7'), '--task', 'sudoku', '--L-cycles', '3', '--H-cycles', '2', '-o', out], quiet);
    const model = await loadAppModel(new Uint8Array(readFileSync(out)));
    expect(model.config).toMatchObject({ mlp_t: true, seq_len: 16, L_cycles: 3, H_cycles: 2, L_layers: 1 });
  });

  it('names bad arguments', async () => {
    await expect(runConvert([], quiet)).rejects.toThrow(UsageError);
    await expect(runConvert([fixture('tiny-att-f32'), '-o', 'x', '--rows', '1;2'], quiet)).rejects.toThrow(/--rows must be/);
    await expect(runConvert([fixture('tiny-att-f32'), '-o', 'x', '--dtype', 'F64'], quiet)).rejects.toThrow(/--dtype/);
    await expect(runConvert([fixture('tiny-att-f32'), '-o', 'x', '--bogus'], quiet)).rejects.toThrow(UsageError);
    expect(() => rowsForNames(['<blank>', 'a', 'a|||t2|||9876543210', 'b'], ['a', 'zz'])).toThrow(/not in identifiers.json: zz/);
    expect(rowsForNames(['<blank>', 'a', 'a|||t2|||9876543210', 'b'], ['a', 'b'])).toEqual([1, 2, 3]);
  });
});
