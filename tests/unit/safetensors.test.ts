import { describe, expect, it } from 'vitest';
import {
  openSafetensors, readSafetensors, SafetensorsError, writeSafetensors, MAX_HEADER_BYTES,
} from '../../src/core/weights/safetensors';
import { floatToBf16Bits, floatToF16Bits } from '../../src/core/weights/float16';
import type { Tensor } from '../../src/core/bundle';

// Written by Python's safetensors 0.8.0 (independent of our writer):
//   vals = [0.0, -0.0, 1.0, -2.5, 65504.0, 1e-7, 6e-8, 3.0e-5, inf, -inf, 1/3, 70000.0]
//   save({'a_f32': tensor([[1.5, -2.25, 3.0e-39], [inf, 1/3, -0.0]]), 'b_f16': tensor(vals).half(),
//         'c_bf16': tensor(vals).bfloat16(), 'd_scalar': tensor(7.0), 'e_empty': zeros(0, 3)},
//        metadata={'format': 'test', 'note': 'written by safetensors.torch.save'})
const PYTHON_FILE =
  'gAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJub3RlIjoid3JpdHRlbiBieSBzYWZldGVuc29ycy50b3JjaC5zYXZlIiwiZm9ybWF0IjoidGVzdCJ9LCJhX2YzMiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkX3NjYWxhciI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbXSwiZGF0YV9vZmZzZXRzIjpbMjQsMjhdfSwiZV9lbXB0eSI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMCwzXSwiZGF0YV9vZmZzZXRzIjpbMjgsMjhdfSwiY19iZjE2Ijp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMTJdLCJkYXRhX29mZnNldHMiOlsyOCw1Ml19LCJiX2YxNiI6eyJkdHlwZSI6IkYxNiIsInNoYXBlIjpbMTJdLCJkYXRhX29mZnNldHMiOls1Miw3Nl19fSAAAMA/AAAQwMiqIAAAAIB/q6qqPgAAAIAAAOBAAAAAgIA/IMCAR9czgTP8N4B/gP+rPolHAAAAgAA8AMH/ewIAAQD3AQB8APxVNQB8';
const VALS = [0.0, -0.0, 1.0, -2.5, 65504.0, 1e-7, 6e-8, 3.0e-5, Infinity, -Infinity, 1 / 3, 70000.0];
// What torch's .float() printed for the stored values:
const F16_AS_F32 = [0, -0, 1, -2.5, 65504, 1.1920928955078125e-7, 5.960464477539063e-8, 2.9981136322021484e-5, Infinity, -Infinity, 0.333251953125, Infinity];
const BF16_AS_F32 = [0, -0, 1, -2.5, 65536, 1.0011717677116394e-7, 6.007030606269836e-8, 3.0040740966796875e-5, Infinity, -Infinity, 0.333984375, 70144];

const pythonBytes = () => new Uint8Array(Buffer.from(PYTHON_FILE, 'base64'));

/** A raw file from a header object and data bytes, for lying headers. */
function rawFile(header: unknown, data: Uint8Array, headerLength?: number): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, headerLength ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
const f32Bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const tensor = (shape: number[], values: number[]): Tensor => ({ shape, data: Float32Array.from(values) });

describe('safetensors reader on a file written by Python', () => {
  it('reads metadata, F32, F16 and BF16 (upcast exactly), a scalar and an empty tensor', () => {
    const { metadata, tensors } = readSafetensors(pythonBytes());
    expect(metadata).toEqual({ format: 'test', note: 'written by safetensors.torch.save' });
    expect(tensors.a_f32.shape).toEqual([2, 3]);
    expect(Array.from(tensors.a_f32.data)).toEqual([1.5, -2.25, Math.fround(3.0e-39), Infinity, Math.fround(1 / 3), -0]);
    expect(Object.is(tensors.a_f32.data[5], -0)).toBe(true);
    expect(Array.from(tensors.b_f16.data)).toEqual(F16_AS_F32);
    expect(Array.from(tensors.c_bf16.data)).toEqual(BF16_AS_F32);
    expect(Object.is(tensors.b_f16.data[1], -0) && Object.is(tensors.c_bf16.data[1], -0)).toBe(true);
    expect(tensors.d_scalar).toEqual({ shape: [], data: Float32Array.from([7]) });
    expect(tensors.e_empty).toEqual({ shape: [0, 3], data: new Float32Array(0) });
  });
  it('reads the same lazily from a Blob, one tensor at a time', async () => {
    const reader = await openSafetensors(new Blob([pythonBytes()]));
    expect(reader.names.sort()).toEqual(['a_f32', 'b_f16', 'c_bf16', 'd_scalar', 'e_empty']);
    expect(reader.header.tensors.b_f16).toMatchObject({ dtype: 'F16', shape: [12], begin: 52, end: 76 });
    expect(Array.from((await reader.read('c_bf16')).data)).toEqual(BF16_AS_F32);
    await expect(reader.read('nope')).rejects.toThrow(/no tensor named nope in the file \(it has 5: /);
  });
  it('writes F16 and BF16 with the same bits torch does (round to nearest even, overflow to Inf)', () => {
    const bytes = pythonBytes();
    const header = readHeaderOf(bytes);
    const dataStart = 8 + new DataView(bytes.buffer).getUint32(0, true);
    const u16 = (begin: number, n: number) => Array.from({ length: n }, (_, i) => new DataView(bytes.buffer).getUint16(dataStart + begin + 2 * i, true));
    const f32 = Float32Array.from(VALS);
    expect(Array.from(f32, floatToF16Bits)).toEqual(u16(header.b_f16.begin, 12));
    expect(Array.from(f32, floatToBf16Bits)).toEqual(u16(header.c_bf16.begin, 12));
  });
});

function readHeaderOf(bytes: Uint8Array) {
  const n = new DataView(bytes.buffer).getUint32(0, true);
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { data_offsets: [number, number] }>;
  return Object.fromEntries(Object.entries(json).filter(([k]) => k !== '__metadata__').map(([k, v]) => [k, { begin: v.data_offsets[0] }]));
}

describe('safetensors writer', () => {
  const tensors = { w: tensor([2, 3], [1, 2, 3, 4, 5, 6.5]), b: tensor([3], [-1, 0.1, 1e-20]), s: tensor([], [42]) };

  it('round-trips F32 exactly with metadata, in order, with an 8-byte aligned header', async () => {
    const bytes = writeSafetensors(tensors, { format: 'x', config: '{"a":1}' });
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect(headerLength % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'x', config: '{"a":1}' });
    expect(Object.keys(back.tensors)).toEqual(['w', 'b', 's']);
    for (const k of ['w', 'b', 's'] as const) expect(back.tensors[k]).toEqual({ shape: tensors[k].shape, data: tensors[k].data });
    const lazy = await openSafetensors(new Blob([bytes]));
    expect(await lazy.readAll()).toEqual(back.tensors);
  });
  it('stores F16 and BF16 on request at half the size, within their rounding', () => {
    const f32 = writeSafetensors(tensors);
    for (const dtype of ['F16', 'BF16'] as const) {
      const bytes = writeSafetensors(tensors, {}, { dtype });
      const back = readSafetensors(bytes).tensors;
      const rel = dtype === 'F16' ? 2 ** -11 : 2 ** -8;
      expect(back.w.data[5]).toBe(6.5);
      expect(Math.abs(back.b.data[1] - 0.1)).toBeLessThanOrEqual(0.1 * rel);
      expect(bytes.length).toBeLessThan(f32.length);
    }
    expect(readSafetensors(writeSafetensors(tensors, {}, { dtype: 'F16' })).tensors.b.data[2]).toBe(0); // 1e-20 underflows in F16
  });
  it('refuses tensors whose shape does not match their data, and non-string metadata', () => {
    expect(() => writeSafetensors({ x: tensor([2, 2], [1, 2, 3]) })).toThrow('tensor x: shape [2, 2] does not match its 3 values');
    expect(() => writeSafetensors({}, { n: 3 as unknown as string })).toThrow(/metadata n is number/);
  });
});

describe('safetensors reader rejects bad files, naming the problem', () => {
  const good = () => writeSafetensors({ a: tensor([2], [1, 2]), b: tensor([1], [3]) }, { k: 'v' });
  const reject = (bytes: Uint8Array, message: RegExp | string) => {
    expect(() => readSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => readSafetensors(bytes)).toThrow(message);
  };

  it('a file shorter than 8 bytes, or a zip (PyTorch checkpoint)', () => {
    reject(new Uint8Array(5), 'file is 5 bytes; a safetensors file starts with an 8-byte header length');
    reject(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 0]), /zip archive \(a PyTorch step_N checkpoint\?\)/);
  });
  it('a header length past the file or over 100 MB', () => {
    const bytes = good();
    reject(bytes.slice(0, 20), /header length \d+ bytes runs past the end of the 20-byte file/);
    const huge = bytes.slice();
    new DataView(huge.buffer).setUint32(0, MAX_HEADER_BYTES + 1, true);
    reject(huge, 'header length 100,000,001 bytes is over the 100,000,000-byte limit');
    const high = bytes.slice();
    new DataView(high.buffer).setUint32(4, 1, true);
    reject(high, /over the 100,000,000-byte limit/);
  });
  it('a truncated data area', () => reject(good().slice(0, -1), /tensor b: bytes \[8, 12\) run past the 11-byte data area; the file is truncated/));
  it('bad JSON or a non-object header', () => {
    reject(rawFile('x', new Uint8Array()), 'header JSON must be an object');
    const bytes = rawFile({ a: 1 }, new Uint8Array());
    bytes[9] = 0x7b; // '{"a":1}' → '{{a":1}'
    reject(bytes, /header is not valid UTF-8 JSON/);
    reject(rawFile({ __metadata__: { n: 1 } }, new Uint8Array()), '__metadata__.n is number; safetensors metadata values are strings');
  });
  it('offsets that lie: size not matching dtype × shape, overlap, holes, trailing bytes', () => {
    const data = f32Bytes([1, 2, 3]);
    reject(rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 12] } }, data), 'tensor a: F32 [2] needs 8 bytes but data_offsets [0, 12] hold 12');
    reject(
      rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, data),
      'tensors a and b overlap in the data area',
    );
    reject(rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, data), /4 unused bytes before tensor a/);
    reject(rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, data), /the data area has 12 bytes but the tensors cover 8; the file has trailing bytes/);
    reject(rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [8, 4] } }, data), 'tensor a: data_offsets [8, 4] end before they begin');
    reject(rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, data), 'tensor a: data_offsets must be two non-negative integers [begin, end]');
  });
  it('non-integer or negative dimensions, unknown and unsupported dtypes', () => {
    const data = f32Bytes([1, 2]);
    reject(rawFile({ a: { dtype: 'F32', shape: [2.5], data_offsets: [0, 8] } }, data), 'tensor a: dimension 0 is 2.5; dimensions are non-negative integers');
    reject(rawFile({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, data), /dimension 0 is -2/);
    reject(rawFile({ a: { dtype: 'F32', shape: '2', data_offsets: [0, 8] } }, data), 'tensor a: shape must be a list of dimensions');
    reject(rawFile({ a: { dtype: 'Q4', shape: [2], data_offsets: [0, 8] } }, data), /tensor a: unknown dtype "Q4"/);
    reject(rawFile({ a: { dtype: 'I32', shape: [2], data_offsets: [0, 8] } }, data), 'tensor a has dtype I32; model weights must be F32, F16 or BF16');
    const proto: unknown = JSON.parse('{"__proto__":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'); // an own key, as in a file
    reject(rawFile(proto, data), 'a tensor named __proto__ is not allowed');
  });
  it('the same checks apply to a lazily read Blob', async () => {
    await expect(openSafetensors(new Blob([good().slice(0, 20)]))).rejects.toThrow(/runs past the end of the 20-byte file/);
    const data = f32Bytes([1, 2]);
    const reader = await openSafetensors(new Blob([rawFile({ a: { dtype: 'I32', shape: [2], data_offsets: [0, 8] } }, data)]));
    await expect(reader.read('a')).rejects.toThrow('tensor a has dtype I32');
  });
});
