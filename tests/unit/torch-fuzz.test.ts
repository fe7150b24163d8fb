// Seeded fuzzing of the checkpoint reader: mutated, truncated and spliced variants of a small official-format file
// must each either load or fail with a CheckpointError (or a BundleError naming bad weights); never a TypeError,
// RangeError, hang, or read far beyond the file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/core/bundle';
import { CheckpointError, loadOfficialBundle, readTorchCheckpoint, trackReads, bytesSource } from '../../src/core/weights/torch';
import { unpickle } from '../../src/core/weights/torch/pickle';
import { seededRandom as rng } from './reference-model';
import { crc32, repoRoot } from './torch-helpers';

const base = new Uint8Array(readFileSync(path.resolve(repoRoot, 'tests/fixtures/official/tiny-att-bf16/step_0')));
const yaml = readFileSync(path.resolve(repoRoot, 'tests/fixtures/official/tiny-att-bf16/all_config.yaml'), 'utf8');
const cdOffset = new DataView(base.buffer).getUint32(base.length - 22 + 16, true);
// torch.save writes data.pkl first: its local header is at offset 0.
const pklHeader = 0;
const pklStart = 30 + new DataView(base.buffer).getUint16(26, true) + new DataView(base.buffer).getUint16(28, true);
const pklEnd = pklStart + new DataView(base.buffer).getUint32(cdOffset + 24, true); // its size, from its central record

type Outcome = 'loaded' | string;

async function attempt(bytes: Uint8Array): Promise<Outcome> {
  const src = trackReads(bytesSource(bytes));
  try {
    const ckpt = await readTorchCheckpoint(src);
    await loadOfficialBundle(ckpt, { yaml, overrides: { seq_len: 16 } }); // reads every tensor
    return 'loaded';
  } catch (e) {
    if (e instanceof CheckpointError || e instanceof BundleError) {
      if (e.message.length < 10) throw new Error(`terse error: ${e.message}`);
      return e.name;
    }
    throw new Error(`unclear failure ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  } finally {
    // Reads stay bounded by the file: no amplification from lying sizes or memo tricks.
    if (src.bytesRead > 3 * bytes.length + 4096) throw new Error(`read ${src.bytesRead} bytes of a ${bytes.length}-byte file`);
  }
}

function mutate(r: () => number): Uint8Array {
  const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo));
  const kind = r();
  if (kind < 0.15) return base.slice(0, pick(0, base.length)); // truncation
  const v = base.slice();
  // Aim most mutations at structure: the pickle, the central directory + end records, local headers.
  const region = r();
  const [lo, hi] = region < 0.45 ? [pklHeader, pklEnd] : region < 0.8 ? [cdOffset, base.length] : [0, base.length];
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = pick(lo, hi);
    const how = r();
    if (how < 0.5) v[at] = Math.floor(r() * 256);
    else if (how < 0.7) v[at] ^= 1 << Math.floor(r() * 8);
    else if (how < 0.85) v[at] = [0x00, 0xff, 0x7f, 0x80][Math.floor(r() * 4)];
    else v.copyWithin(at, pick(lo, hi), pick(lo, hi)); // splice structure onto structure
  }
  // Half the time, fix the pickle's CRC as a deliberate forger would, so mutations reach the unpickler.
  if (region < 0.45 && r() < 0.5) new DataView(v.buffer).setUint32(cdOffset + 16, crc32(v.subarray(pklStart, pklEnd)), true);
  return v;
}

describe('fuzz', () => {
  it('every mutated or truncated checkpoint loads or fails with a clear error', async () => {
    const r = rng(20260529);
    const tally = new Map<Outcome, number>();
    expect(await attempt(base)).toBe('loaded');
    for (let i = 0; i < 1500; i++) {
      const outcome = await attempt(mutate(r));
      tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
    }
    // The fuzzer must reach the interesting layers, not just one error path.
    expect(tally.get('ZipFormatError') ?? 0).toBeGreaterThan(50);
    expect(tally.get('PickleFormatError') ?? 0).toBeGreaterThan(50);
    expect(tally.get('loaded') ?? 0).toBeGreaterThan(0);
  });

  it('every mutated pickle fails with a PickleFormatError (or parses)', () => {
    const pkl = base.slice(pklStart, pklEnd);
    expect(() => unpickle(pkl)).not.toThrow();
    const r = rng(7);
    for (let i = 0; i < 3000; i++) {
      const v = r() < 0.2 ? pkl.slice(0, Math.floor(r() * pkl.length)) : pkl.slice();
      for (let j = 0; j < 1 + r() * 3; j++) v[Math.floor(r() * v.length)] = Math.floor(r() * 256);
      try {
        unpickle(v);
      } catch (err) {
        if (!(err instanceof CheckpointError)) throw new Error(`unclear failure on variant ${i}: ${(err as Error).name}: ${(err as Error).message}`);
      }
    }
  });
});
