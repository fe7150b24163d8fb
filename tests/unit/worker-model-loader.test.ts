// The worker's model loader: an official step_N given as a Blob (read lazily), and the choice of puzzle rows
// from identifiers.json when the table is too large to load whole.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OfficialBundle } from '../../src/core/weights/torch';
import { readTorchCheckpoint } from '../../src/core/weights/torch';
import { choosePuzzleRows, describeModel, originalTaskRows, parseModel } from '../../src/worker/modelLoader';
import type { ModelSource } from '../../src/worker/protocol';
import { referenceDir } from './reference-helpers';

const dir = path.join(referenceDir, 'arc-att-tiny');
const stepBytes = () => readFileSync(path.join(dir, 'step_0'));
const yaml = () => readFileSync(path.join(dir, 'all_config.yaml'), 'utf8');
const IDS = ['<blank>', 'aaaa1111', 'aaaa1111|||t1|||0123456789', 'bbbb2222', 'bbbb2222|||t2|||0123456789'];

describe('worker model loader', () => {
  it('originalTaskRows keeps names without "|||" and skips the blank id', () => {
    expect(originalTaskRows(IDS)).toEqual([1, 3]);
  });

  it('loads only the original-task rows of a large table from a Blob, named from identifiers.json', async () => {
    const buf = stepBytes();
    const blob = new Blob([buf]);
    const whole = await (await readTorchCheckpoint(new Uint8Array(buf))).tensor('puzzle_emb.weights');
    const width = whole.shape[1];
    expect(whole.shape[0]).toBe(5);

    const ckpt = await readTorchCheckpoint(blob);
    expect(choosePuzzleRows(ckpt, 'step_0', IDS, 4)).toEqual([1, 3]);
    expect(choosePuzzleRows(ckpt, 'step_0', undefined, 5)).toBeUndefined(); // small table: whole

    const source: ModelSource = { format: 'official', name: 'step_0', bytes: blob, yaml: yaml(), identifiers: IDS };
    const b = (await parseModel(source, undefined, { maxWholeRows: 4 })) as OfficialBundle;
    expect(b.config.num_puzzle_identifiers).toBe(2);
    expect(b.puzzleNames).toEqual(['aaaa1111', 'bbbb2222']);
    const t = b.tensors['puzzle_emb.weights'];
    expect(t.shape).toEqual([2, width]);
    expect(Array.from(t.data.subarray(0, width))).toEqual(Array.from(whole.data.subarray(width, 2 * width)));
    expect(Array.from(t.data.subarray(width))).toEqual(Array.from(whole.data.subarray(3 * width, 4 * width)));
    // Lazy: the two rows only, not the whole table.
    const full = (await parseModel({ ...source, identifiers: undefined, bytes: new Blob([buf]) })) as OfficialBundle;
    expect(b.bytesRead).toBe(full.bytesRead - 3 * width * 4);

    const info = await describeModel('m1', source, b);
    expect(info.format).toBe('official');
    expect(info.bytes).toBe(buf.byteLength);
    expect(info.embeddingRows).toBe(2);
    expect(info.puzzleRows).toEqual({ aaaa1111: 0, bbbb2222: 1 });
  });

  it('refuses a large table without identifiers.json, and mismatched identifiers', async () => {
    const blob = new Blob([stepBytes()]);
    const source: ModelSource = { format: 'official', name: 'step_0', bytes: blob, yaml: yaml() };
    await expect(parseModel(source, undefined, { maxWholeRows: 4 })).rejects.toThrow(/identifiers\.json/);
    await expect(parseModel({ ...source, identifiers: ['<blank>', 'x'] }, undefined, { maxWholeRows: 4 })).rejects.toThrow(
      /lists 2 names .* 5 rows/,
    );
  });

  it('loads a small table whole from a Blob, as before', async () => {
    const buf = stepBytes();
    const source: ModelSource = { format: 'official', name: 'step_0', bytes: new Blob([buf]), yaml: yaml() };
    const b = await parseModel(source);
    expect(b.config.num_puzzle_identifiers).toBe(5);
    const info = await describeModel('m2', source, b);
    expect(info.bytes).toBe(buf.byteLength);
    expect(info.format).toBe('official');
  });
});
