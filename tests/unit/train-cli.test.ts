// `npm run train` (scripts/train.ts): our trainer from an app model, on a Sudoku CSV or an official-format dataset
// folder; writes an app safetensors (card with the command and steps) and a CSV log; refuses what it cannot do.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAppModel } from '../../src/core/weights/app-format';
import { readNpy } from '../../scripts/lib/npy';
import { fixturesDir, repoRoot } from './reference-helpers';

const tmp = mkdtempSync(path.join(tmpdir(), 'trm-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function train(args: string[]) {
  const r = spawnSync('npx', ['tsx', 'scripts/train.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, err: r.stderr };
}

/** A C-order .npy of uint8 or int32 values (numpy's format, version 1). */
function npy(values: number[], shape: number[], dtype: '|u1' | '<i4'): Uint8Array {
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const data = dtype === '|u1' ? Uint8Array.from(values) : new Uint8Array(Int32Array.from(values).buffer);
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

describe('npm run train', () => {
  it('trains a Sudoku model from a CSV and writes an app model with its command and steps', { timeout: 240_000 }, async () => {
    const out = path.join(tmp, 'sudoku.safetensors');
    const log = path.join(tmp, 'log.csv');
    const r = train(['--task', 'sudoku', '--data', 'tests/fixtures/sudoku-eval-small.csv', '--init', 'tests/fixtures/sudoku-mlp-h64/model.safetensors',
      '--steps', '2', '--batch', '2', '--log', log, '-o', out]);
    expect(r.code, r.err).toBe(0);
    const rows = readFileSync(log, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('step,examples,elapsed_s,lr,loss,lm_loss,q_halt_loss,exact,halted');
    expect(rows.length).toBe(3);
    const model = await loadAppModel(new Uint8Array(readFileSync(out)));
    expect(model.card?.trained_steps).toBeGreaterThanOrEqual(2);
    expect(String((model.card?.commands as string[]).at(-1))).toMatch(/^npm run train -- --task sudoku/);
    const before = await loadAppModel(new Uint8Array(readFileSync(path.join(fixturesDir, 'sudoku-mlp-h64', 'model.safetensors'))));
    expect(model.tensors['lm_head.weight'].data).not.toEqual(before.tensors['lm_head.weight'].data);
  });

  it('reads an official-format dataset folder (numpy arrays)', { timeout: 240_000 }, () => {
    const root = path.join(tmp, 'maze6');
    mkdirSync(path.join(root, 'train'), { recursive: true });
    const N = 3;
    const inputs = Array.from({ length: N * 36 }, (_, i) => 1 + (i % 4));
    writeFileSync(path.join(root, 'train', 'dataset.json'), JSON.stringify({ seq_len: 36, vocab_size: 6, pad_id: 0, ignore_label_id: 0 }));
    writeFileSync(path.join(root, 'train', 'all__inputs.npy'), npy(inputs, [N, 36], '|u1'));
    writeFileSync(path.join(root, 'train', 'all__labels.npy'), npy(inputs.map((v, i) => (i % 36 === 0 ? 0 : v)), [N, 36], '|u1'));
    writeFileSync(path.join(root, 'train', 'all__puzzle_identifiers.npy'), npy([0, 0, 0], [N], '<i4'));
    writeFileSync(path.join(root, 'train', 'all__puzzle_indices.npy'), npy([0, 1, 2, 3], [N + 1], '<i4'));
    expect(readNpy(readFileSync(path.join(root, 'train', 'all__puzzle_indices.npy'))).data).toEqual(Int32Array.of(0, 1, 2, 3));
    const r = train(['--task', 'maze', '--data', root, '--init', 'tests/fixtures/maze6-mlp-h16/model.safetensors', '--steps', '2', '--batch', '2',
      '-o', path.join(tmp, 'maze.safetensors')]);
    expect(r.code, r.err).toBe(0);
  });

  it('says what it cannot do', () => {
    const base = ['--task', 'sudoku', '--data', 'tests/fixtures/sudoku-eval-small.csv', '--init', 'tests/fixtures/sudoku-mlp-h64/model.safetensors', '-o', path.join(tmp, 'x.safetensors')];
    expect(train([...base, '--steps', '1', '--backend', 'webgpu']).err).toMatch(/WebGPU trainer .* is not built yet/);
    expect(train(base).err).toMatch(/give --steps N or --minutes M/);
    expect(train(['--task', 'maze', ...base.slice(2), '--steps', '1']).err).toMatch(/is a sudoku model, not maze/);
  });
});
