// A checkpoint larger than 4 GB (like ARC-1/ARC-2's 1.8/2.5 GB puzzle tables, and beyond), served by a virtual
// byte source that synthesizes content on demand: ZIP64 offsets past 2^32 work, rows are read by range, and the
// whole table is never requested.
import { describe, expect, it } from 'vitest';
import { CheckpointContentError, loadOfficialBundle, readTorchCheckpoint, trackReads, type ByteSource } from '../../src/core/weights/torch';
import { expectedShapes, type TrmConfig } from '../../src/core/config';
import { crc32, stateDictPickle } from './torch-helpers';

interface Segment {
  start: number;
  length: number;
  fill: (offsetInSegment: number, out: Uint8Array) => void;
}

function concrete(bytes: Uint8Array): Segment['fill'] {
  return (o, out) => out.set(bytes.subarray(o, o + out.length));
}

/** A ByteSource assembled from segments; each read builds only the bytes asked for. */
function virtualSource(segments: Segment[]): ByteSource {
  const size = segments.reduce((a, s) => Math.max(a, s.start + s.length), 0);
  return {
    size,
    read: async (offset, length) => {
      if (offset < 0 || offset + length > size) throw new Error('virtual source: out of range');
      if (length > 64 * 1024 * 1024) throw new Error(`virtual source: a ${length}-byte read (the reader should never ask for that much)`);
      const out = new Uint8Array(length);
      for (const s of segments) {
        const lo = Math.max(offset, s.start);
        const hi = Math.min(offset + length, s.start + s.length);
        if (lo < hi) s.fill(lo - s.start, out.subarray(lo - offset, hi - offset));
      }
      return out;
    },
  };
}

/** f32 tensor content from a per-element function, for any byte window. */
function f32Fill(value: (element: number) => number): Segment['fill'] {
  return (o, out) => {
    const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const scratch = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < out.length; i++) {
      const byte = o + i;
      scratch.setFloat32(0, value(Math.floor(byte / 4)), true);
      dv.setUint8(i, scratch.getUint8(byte % 4));
    }
  };
}

const HIDDEN = 64;
const ROWS = 20_000_000; // 20M × 64 × 4 B = 5.1 GB: offsets beyond 2^32
const config: TrmConfig = {
  task: 'arc', hidden_size: HIDDEN, num_heads: 2, expansion: 4, L_layers: 2, L_cycles: 4, H_cycles: 3, halt_max_steps: 16, mlp_t: false,
  pos_encodings: 'rope', seq_len: 900, vocab_size: 12, puzzle_emb_len: 16, puzzle_emb_ndim: HIDDEN, num_puzzle_identifiers: ROWS,
  rms_norm_eps: 1e-5, rope_theta: 10000,
};
const rowValue = (e: number) => (Math.floor(e / HIDDEN) % 1000) + (e % HIDDEN) / 1024;

/** CRC-32 of a record's content; the 5 GB table gets 0, as it is never read whole (CRCs are only checked then). */
function crcOf(r: { size: number; fill: Segment['fill'] }): number {
  if (r.size > 16 * 1024 * 1024) return 0;
  const content = new Uint8Array(r.size);
  r.fill(0, content);
  return crc32(content);
}

/** A ZIP64 torch checkpoint whose puzzle table comes second-to-last, so the last record lies beyond 4 GB. */
function makeHugeCheckpoint(): ByteSource {
  const shapes = expectedShapes(config);
  const keys = Object.keys(shapes).sort((a, b) => (a === 'puzzle_emb.weights' ? -1 : b === 'puzzle_emb.weights' ? 1 : 0));
  const enc = new TextEncoder();
  const pkl = stateDictPickle(keys.map((k, i) => ({
    key: `_orig_mod.model.inner.${k}`, storage: 'FloatStorage', storageKey: String(i), numel: shapes[k].reduce((a, s) => a * s, 1),
    offset: 0, shape: shapes[k], stride: shapes[k].map((_, d) => shapes[k].slice(d + 1).reduce((a, s) => a * s, 1)),
  })));
  const records: Array<{ name: string; size: number; fill: Segment['fill'] }> = [
    { name: 'big/data.pkl', size: pkl.length, fill: concrete(pkl) },
    ...keys.map((k, i) => ({
      name: `big/data/${i}`,
      size: shapes[k].reduce((a, s) => a * s, 1) * 4,
      fill: k === 'puzzle_emb.weights' ? f32Fill(rowValue) : f32Fill((e) => ((e * 7919) % 2000) / 1e4 - 0.1),
    })),
  ];
  const segments: Segment[] = [];
  const central: Uint8Array[] = [];
  let at = 0;
  for (const r of records) {
    const name = enc.encode(r.name);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(6, 0x0808, true); // data descriptor + UTF-8, as torch writes (sizes only in the directory)
    local.setUint16(26, name.length, true);
    const header = new Uint8Array([...new Uint8Array(local.buffer), ...name]);
    segments.push({ start: at, length: header.length, fill: concrete(header) }, { start: at + header.length, length: r.size, fill: r.fill });
    const c = new DataView(new ArrayBuffer(46 + name.length + 28));
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(8, 0x0808, true);
    c.setUint32(16, crcOf(r), true);
    c.setUint32(20, 0xffffffff, true);
    c.setUint32(24, 0xffffffff, true);
    c.setUint16(28, name.length, true);
    c.setUint16(30, 28, true);
    c.setUint32(42, 0xffffffff, true);
    new Uint8Array(c.buffer).set(name, 46);
    c.setUint16(46 + name.length, 1, true);
    c.setUint16(48 + name.length, 24, true);
    c.setBigUint64(50 + name.length, BigInt(r.size), true);
    c.setBigUint64(58 + name.length, BigInt(r.size), true);
    c.setBigUint64(66 + name.length, BigInt(at), true);
    central.push(new Uint8Array(c.buffer));
    at += header.length + r.size;
  }
  const cdStart = at;
  const cd = new Uint8Array(central.reduce((a, p) => a + p.length, 0));
  central.reduce((o, p) => (cd.set(p, o), o + p.length), 0);
  const tail = new DataView(new ArrayBuffer(56 + 20 + 22));
  tail.setUint32(0, 0x06064b50, true);
  tail.setBigUint64(4, 44n, true);
  tail.setBigUint64(24, BigInt(records.length), true);
  tail.setBigUint64(32, BigInt(records.length), true);
  tail.setBigUint64(40, BigInt(cd.length), true);
  tail.setBigUint64(48, BigInt(cdStart), true);
  tail.setUint32(56, 0x07064b50, true);
  tail.setBigUint64(64, BigInt(cdStart + cd.length), true);
  tail.setUint32(72, 1, true);
  tail.setUint32(76, 0x06054b50, true);
  tail.setUint16(84, 0xffff, true);
  tail.setUint16(86, 0xffff, true);
  tail.setUint32(88, 0xffffffff, true);
  tail.setUint32(92, 0xffffffff, true);
  segments.push({ start: cdStart, length: cd.length, fill: concrete(cd) });
  segments.push({ start: cdStart + cd.length, length: tail.byteLength, fill: concrete(new Uint8Array(tail.buffer)) });
  return virtualSource(segments);
}

describe('checkpoints over 4 GB', () => {
  let cached: ByteSource | undefined;
  const hugeCheckpoint = () => (cached ??= makeHugeCheckpoint()); // stateless: one source serves every test

  it('opens a 5 GB ZIP64 checkpoint and reads rows and tensors beyond 2^32 by range', async () => {
    const src = trackReads(hugeCheckpoint());
    expect(src.size).toBeGreaterThan(2 ** 32 + 2 ** 29);
    const ckpt = await readTorchCheckpoint(src);
    expect(ckpt.info('puzzle_emb.weights')).toEqual({ dtype: 'float32', shape: [ROWS, HIDDEN] });
    const rows = await ckpt.rows('puzzle_emb.weights', [ROWS - 1, 5, 17_777_777]);
    expect(rows.data[0]).toBe(((ROWS - 1) % 1000) + 0);
    expect(rows.data[HIDDEN + 3]).toBe(5 + 3 / 1024);
    expect(rows.data[2 * HIDDEN + 63]).toBe(777 + 63 / 1024);
    const last = await ckpt.tensor('L_level.layers.1.mlp.down_proj.weight'); // stored after the 5 GB table
    expect(last.shape).toEqual([HIDDEN, 256]);
    await expect(ckpt.tensor('puzzle_emb.weights')).rejects.toThrow(/4\.77 GiB as f32; read the rows you need/);
    expect(src.bytesRead).toBeLessThan(1_000_000);
  });

  it('builds a bundle from chosen rows and refuses to read the whole table', async () => {
    const b = await loadOfficialBundle(hugeCheckpoint(), { task: 'arc', rows: [3, 1], overrides: { L_cycles: 4, H_cycles: 3, num_heads: 2 } });
    expect(b.config.num_puzzle_identifiers).toBe(2);
    expect(Array.from(b.tensors['puzzle_emb.weights'].data.subarray(0, 2))).toEqual([3, 3 + 1 / 1024]);
    await expect(loadOfficialBundle(hugeCheckpoint(), { task: 'arc', overrides: { num_heads: 2 } })).rejects.toThrow(CheckpointContentError);
    await expect(loadOfficialBundle(hugeCheckpoint(), { task: 'arc', overrides: { num_heads: 2 } })).rejects.toThrow(/20000000 rows \(4\.77 GiB/);
  });
});
