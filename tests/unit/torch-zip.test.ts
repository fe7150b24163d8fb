// The lazy zip layer: ZIP64 and deflated entries read; every inconsistent offset, length or header ends in a
// ZipFormatError that names the entry or the problem.
import { describe, expect, it } from 'vitest';
import { CheckpointContentError, CheckpointError, readTorchCheckpoint, ZipFormatError } from '../../src/core/weights/torch';
import { bytesSource, blobSource } from '../../src/core/weights/torch/byte-source';
import { ZipArchive } from '../../src/core/weights/torch/zip';
import { buildZip, readReference } from './torch-helpers';

const enc = new TextEncoder();
const entries = [
  { name: 'a/data.pkl', data: enc.encode('pickle bytes here') },
  { name: 'a/data/0', data: new Uint8Array(1000).map((_, i) => i & 0xff) },
];

async function readAll(zip: Uint8Array) {
  const z = await ZipArchive.open(bytesSource(zip));
  return Promise.all([...z.entries.values()].map((e) => z.read(e)));
}

describe('zip reader', () => {
  it('reads plain, ZIP64 and deflated archives to the same bytes, and ranges of stored entries', async () => {
    for (const zip of [buildZip(entries), buildZip(entries, { zip64: true }), buildZip(entries.map((e) => ({ ...e, deflate: true })))]) {
      const got = await readAll(zip);
      expect(got).toEqual(entries.map((e) => e.data));
    }
    const z = await ZipArchive.open(blobSource(new Blob([buildZip(entries, { zip64: true }) as Uint8Array<ArrayBuffer>])));
    expect(await z.read(z.get('a/data/0')!, 300, 4)).toEqual(new Uint8Array([44, 45, 46, 47]));
  });

  it('opens the reference checkpoint (written by torch with ZIP64 records) from a Blob', async () => {
    const ckpt = await readTorchCheckpoint(new Blob([readReference("maze-att-tiny", "step_0") as Uint8Array<ArrayBuffer>]));
    expect(ckpt.keys).toHaveLength(15);
  });

  const corrupt = (edit: (z: Uint8Array, dv: DataView, cd: number) => void, opts = {}) => {
    const z = buildZip(entries, opts);
    const dv = new DataView(z.buffer);
    edit(z, dv, dv.getUint32(z.length - 22 + 16, true));
    return z;
  };

  it('names an entry whose declared size runs past the central directory', async () => {
    const z = corrupt((_, dv, cd) => {
      const second = cd + 46 + 'a/data.pkl'.length; // the central record of a/data/0
      dv.setUint32(second + 20, 5000, true);
      dv.setUint32(second + 24, 5000, true);
    });
    await expect(readAll(z)).rejects.toThrow(/entry "a\/data\/0".*runs past the start of the central directory/);
  });

  it('names an entry whose local header disagrees with the directory', async () => {
    const z = corrupt((zip) => {
      zip[30 + 2] = 'X'.charCodeAt(0); // first local header's name: a/data.pkl -> a/Xata.pkl
    });
    await expect(readAll(z)).rejects.toThrow(/entry "a\/data.pkl": the local header names a different file/);
    const z2 = corrupt((_, dv) => dv.setUint32(0, 0x12345678, true));
    await expect(readAll(z2)).rejects.toThrow(/entry "a\/data.pkl": no local header at offset 0/);
  });

  it('names a name or extra field that runs past the directory, and a ZIP64 end record out of range', async () => {
    const z = corrupt((_, dv, cd) => dv.setUint16(cd + 28, 60000, true));
    await expect(readAll(z)).rejects.toThrow(/central directory entry 0: its name\/extra\/comment/);
    const z64 = buildZip(entries, { zip64: true });
    new DataView(z64.buffer).setUint32(z64.length - 22 - 20 + 8, z64.length, true);
    await expect(readAll(z64)).rejects.toThrow(/ZIP64 end record offset .* points past the end/);
  });

  it('detects corrupt data by CRC when an entry is read whole, and a truncated file', async () => {
    const z = buildZip(entries);
    z[30 + 'a/data.pkl'.length + 3] ^= 1;
    await expect(readAll(z)).rejects.toThrow(/"a\/data.pkl" fails its CRC-32 check/);
    const whole = buildZip(entries);
    await expect(readAll(whole.subarray(0, whole.length - 5))).rejects.toThrow(ZipFormatError);
  });

  it('tells legacy torch files, safetensors and other files apart from a damaged zip', async () => {
    await expect(ZipArchive.open(bytesSource(new Uint8Array([0x80, 0x02, 0x8a, 0x0a, ...new Array(40).fill(0)])))).rejects.toThrow(/legacy/);
    const st = new Uint8Array(64);
    st[0] = 20;
    st[8] = 0x7b;
    await expect(ZipArchive.open(bytesSource(st))).rejects.toThrow(/safetensors/);
    await expect(readTorchCheckpoint(new Uint8Array(100))).rejects.toThrow(/not a PyTorch checkpoint/);
    await expect(readTorchCheckpoint(new Uint8Array(3))).rejects.toThrow(CheckpointError);
  });

  it('refuses a zip without <archive>/data.pkl, or whose tensor records are missing', async () => {
    await expect(readTorchCheckpoint(buildZip([{ name: 'x/other', data: enc.encode('hi') }]))).rejects.toThrow(/no <archive>\/data.pkl/);
    const ref = readReference('arc-att-tiny', 'step_0');
    // Rename the storage record data/6 (the puzzle table) in both headers: the pickle's reference dangles.
    const bad = ref.slice();
    const name = enc.encode('step_0/data/6');
    for (let i = 0; i + name.length < bad.length; i++) if (name.every((b, j) => bad[i + j] === b) && bad[i + name.length] !== 0x2f) bad[i + name.length - 1] = 0x5a; // '6' -> 'Z'
    await expect(readTorchCheckpoint(bad)).rejects.toThrow(CheckpointContentError);
    await expect(readTorchCheckpoint(bad)).rejects.toThrow(/storage record step_0\/data\/6 is missing/);
  });
});
