// Test helpers for the checkpoint reader, written independently of src/core/weights/torch: a tiny zip writer
// (stored / deflated / ZIP64 forms), a raw entry locator, and paths to the official reference checkpoints (tests/fixtures/reference).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { referenceDir } from './reference-helpers';

export { repoRoot, referenceDir } from './reference-helpers';
export const REFERENCES = ['sudoku-mlp-tiny', 'maze-att-tiny', 'arc-att-tiny'] as const;

export function readReference(name: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(referenceDir, name, file)));
}

export function crc32(b: Uint8Array): number {
  let c = ~0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

export interface ZipInput {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
}

/** A zip archive; `zip64` writes every size/offset through ZIP64 records, as files over 4 GB need. */
export function buildZip(entries: ZipInput[], opts: { zip64?: boolean } = {}): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const body = e.deflate ? new Uint8Array(deflateRawSync(e.data)) : e.data;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 45, true);
    local.setUint16(8, e.deflate ? 8 : 0, true);
    local.setUint32(14, crc32(e.data), true);
    local.setUint32(18, body.length, true);
    local.setUint32(22, e.data.length, true);
    local.setUint16(26, name.length, true);
    parts.push(new Uint8Array(local.buffer), name, body);
    const z64 = opts.zip64;
    const extra = new DataView(new ArrayBuffer(z64 ? 28 : 0));
    if (z64) {
      extra.setUint16(0, 1, true);
      extra.setUint16(2, 24, true);
      extra.setBigUint64(4, BigInt(e.data.length), true);
      extra.setBigUint64(12, BigInt(body.length), true);
      extra.setBigUint64(20, BigInt(offset), true);
    }
    const c = new DataView(new ArrayBuffer(46));
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 45, true);
    c.setUint16(6, 45, true);
    c.setUint16(10, e.deflate ? 8 : 0, true);
    c.setUint32(16, crc32(e.data), true);
    c.setUint32(20, z64 ? 0xffffffff : body.length, true);
    c.setUint32(24, z64 ? 0xffffffff : e.data.length, true);
    c.setUint16(28, name.length, true);
    c.setUint16(30, extra.byteLength, true);
    c.setUint32(42, z64 ? 0xffffffff : offset, true);
    central.push(new Uint8Array(c.buffer), name, new Uint8Array(extra.buffer));
    offset += 30 + name.length + body.length;
  }
  const cdOffset = offset;
  const cdSize = central.reduce((a, p) => a + p.length, 0);
  const tail: Uint8Array[] = [];
  if (opts.zip64) {
    const r = new DataView(new ArrayBuffer(56));
    r.setUint32(0, 0x06064b50, true);
    r.setBigUint64(4, 44n, true);
    r.setUint16(12, 45, true);
    r.setUint16(14, 45, true);
    r.setBigUint64(24, BigInt(entries.length), true);
    r.setBigUint64(32, BigInt(entries.length), true);
    r.setBigUint64(40, BigInt(cdSize), true);
    r.setBigUint64(48, BigInt(cdOffset), true);
    const l = new DataView(new ArrayBuffer(20));
    l.setUint32(0, 0x07064b50, true);
    l.setBigUint64(8, BigInt(cdOffset + cdSize), true);
    l.setUint32(16, 1, true);
    tail.push(new Uint8Array(r.buffer), new Uint8Array(l.buffer));
  }
  const eocd = new DataView(new ArrayBuffer(22));
  eocd.setUint32(0, 0x06054b50, true);
  eocd.setUint16(8, opts.zip64 ? 0xffff : entries.length, true);
  eocd.setUint16(10, opts.zip64 ? 0xffff : entries.length, true);
  eocd.setUint32(12, opts.zip64 ? 0xffffffff : cdSize, true);
  eocd.setUint32(16, opts.zip64 ? 0xffffffff : cdOffset, true);
  tail.push(new Uint8Array(eocd.buffer));
  const all = [...parts, ...central, ...tail];
  const out = new Uint8Array(all.reduce((a, p) => a + p.length, 0));
  let p = 0;
  for (const part of all) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/**
 * Where an entry's data lies in a zip, found by scanning for its local header (not through the reader under test).
 * Returns [start, end) of the data and the local header's offset; `size` is the entry's length (known to the caller).
 */
export function locateEntry(file: Uint8Array, name: string, size: number): [number, number, number] {
  const sig = [0x50, 0x4b, 0x03, 0x04];
  const want = new TextEncoder().encode(name);
  for (let i = 0; i + 30 < file.length; i++) {
    if (file[i] !== sig[0] || file[i + 1] !== sig[1] || file[i + 2] !== sig[2] || file[i + 3] !== sig[3]) continue;
    const dv = new DataView(file.buffer, file.byteOffset + i, 30);
    const nameLen = dv.getUint16(26, true);
    const extraLen = dv.getUint16(28, true);
    if (nameLen !== want.length || want.some((b, j) => file[i + 30 + j] !== b)) continue;
    const start = i + 30 + nameLen + extraLen;
    return [start, start + size, i];
  }
  throw new Error(`no local header for ${name}`);
}

/** A minimal protocol-2 pickle builder, enough to write hostile or odd pickles by hand. */
export class PickleWriter {
  private bytes: number[] = [0x80, 0x02];
  op(code: number, ...args: number[]): this {
    this.bytes.push(code, ...args);
    return this;
  }
  global(module: string, name: string): this {
    this.bytes.push(0x63, ...new TextEncoder().encode(`${module}\n${name}\n`));
    return this;
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    this.bytes.push(0x58, b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, b.length >>> 24, ...b);
    return this;
  }
  int(v: number): this {
    if (v < 256) return this.op(0x4b, v);
    if (v < 2 ** 31) return this.op(0x4a, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
    // LONG1: little-endian two's complement, as Python writes ints beyond 32 bits.
    const bytes: number[] = [];
    for (let x = BigInt(v); x > 0n; x >>= 8n) bytes.push(Number(x & 0xffn));
    if (bytes[bytes.length - 1] & 0x80) bytes.push(0);
    return this.op(0x8a, bytes.length, ...bytes);
  }
  done(): Uint8Array {
    return new Uint8Array([...this.bytes, 0x2e]);
  }
}

export interface TensorSpec {
  key: string;
  storage: string; // torch storage class name
  storageKey: string;
  numel: number;
  offset: number;
  shape: number[];
  stride: number[];
}

/** The opcode sequence torch.save writes for an OrderedDict of tensors. */
export function stateDictPickle(tensors: TensorSpec[]): Uint8Array {
  const w = new PickleWriter().global('collections', 'OrderedDict').op(0x29).op(0x52).op(0x28);
  for (const t of tensors) {
    w.str(t.key).global('torch._utils', '_rebuild_tensor_v2').op(0x28);
    w.op(0x28).str('storage').global('torch', t.storage).str(t.storageKey).str('cpu').int(t.numel).op(0x74).op(0x51);
    w.int(t.offset);
    w.op(0x28);
    t.shape.forEach((s) => w.int(s));
    w.op(0x74).op(0x28);
    t.stride.forEach((s) => w.int(s));
    w.op(0x74).op(0x89).global('collections', 'OrderedDict').op(0x29).op(0x52).op(0x74).op(0x52);
  }
  return w.op(0x75).done();
}
