// The safetensors byte format, read and written by hand: an 8-byte little-endian header length N, N bytes
// of JSON (`{"__metadata__": {str: str}, name: {dtype, shape, data_offsets: [begin, end]}}`, offsets
// relative to the data area that follows the header), then the tensor bytes, little-endian.
// Every field is checked before a byte of tensor data is trusted, as strictly as the official reader (the
// tensors must tile the data area). Float tensors are upcast to f32.
import type { Tensor } from '../bundle';
import { boundedMessage } from '../untrusted';
import { bf16BitsToFloat, f16BitsToFloat, floatToBf16Bits, floatToF16Bits } from './float16';

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

/** Bytes per element of every dtype the format defines (so sizes can be checked even for ones we do not read). */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
};
export type FloatDtype = 'F32' | 'F16' | 'BF16';
export const READABLE_DTYPES: readonly FloatDtype[] = ['F32', 'F16', 'BF16'];

/** Headers beyond this are refused (the official reader's limit): a larger one means a corrupt or foreign file. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  begin: number; // byte offsets relative to the start of the data area
  end: number;
}

export interface SafetensorsHeader {
  metadata: Record<string, string>;
  tensors: Record<string, TensorInfo>; // in header order
  dataStart: number; // absolute offset of the data area (8 + header length)
  fileSize: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fmt = (n: number) => n.toLocaleString('en-US');

/** The header length stored in the first 8 bytes, checked against the file size. */
export function readHeaderLength(first8: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || first8.length < 8)
    throw new SafetensorsError(`file is ${fileSize} bytes; a safetensors file starts with an 8-byte header length`);
  if (first8[0] === 0x50 && first8[1] === 0x4b && first8[2] === 0x03 && first8[3] === 0x04)
    throw new SafetensorsError('this is a zip archive (a PyTorch step_N checkpoint?), not safetensors; open it as an official checkpoint');
  const view = new DataView(first8.buffer, first8.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const length = high * 2 ** 32 + low;
  if (length > MAX_HEADER_BYTES)
    throw new SafetensorsError(`header length ${fmt(length)} bytes is over the ${fmt(MAX_HEADER_BYTES)}-byte limit; not a safetensors file, or a corrupt one`);
  if (8 + length > fileSize)
    throw new SafetensorsError(`header length ${fmt(length)} bytes runs past the end of the ${fmt(fileSize)}-byte file; the file is truncated or not safetensors`);
  if (length < 2) throw new SafetensorsError(`header length ${length} is too short for a JSON object`);
  return length;
}

/** Parses and checks the JSON header. `headerBytes` are the N bytes after the length. */
export function parseHeader(headerBytes: Uint8Array, fileSize: number): SafetensorsHeader {
  const dataStart = 8 + headerBytes.length;
  const dataSize = fileSize - dataStart;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (e) {
    throw new SafetensorsError(`header is not valid UTF-8 JSON (${boundedMessage(e)})`);
  }
  if (!isPlainObject(json)) throw new SafetensorsError('header JSON must be an object of tensor name → {dtype, shape, data_offsets}');

  const metadata: Record<string, string> = {};
  const rawMeta = json.__metadata__;
  if (rawMeta !== undefined) {
    if (!isPlainObject(rawMeta)) throw new SafetensorsError('__metadata__ must be an object of string values');
    for (const [k, v] of Object.entries(rawMeta)) {
      if (k === '__proto__') throw new SafetensorsError('a metadata key named __proto__ is not allowed');
      if (typeof v !== 'string') throw new SafetensorsError(`__metadata__.${k} is ${typeof v}; safetensors metadata values are strings`);
      metadata[k] = v;
    }
  }

  const tensors: Record<string, TensorInfo> = {};
  for (const [name, entry] of Object.entries(json)) {
    if (name === '__metadata__') continue;
    const where = `tensor ${name}`;
    if (name === '__proto__') throw new SafetensorsError('a tensor named __proto__ is not allowed');
    if (!isPlainObject(entry)) throw new SafetensorsError(`${where}: header entry must be an object {dtype, shape, data_offsets}`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype))
      throw new SafetensorsError(`${where}: unknown dtype ${JSON.stringify(dtype)}; safetensors dtypes are ${Object.keys(DTYPE_BYTES).join(', ')}`);
    if (!Array.isArray(shape)) throw new SafetensorsError(`${where}: shape must be a list of dimensions`);
    shape.forEach((d, i) => {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
        throw new SafetensorsError(`${where}: dimension ${i} is ${JSON.stringify(d)}; dimensions are non-negative integers`);
    });
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0))
      throw new SafetensorsError(`${where}: data_offsets must be two non-negative integers [begin, end]`);
    const [begin, end] = offsets as [number, number];
    if (begin > end) throw new SafetensorsError(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
    if (end > dataSize)
      throw new SafetensorsError(`${where}: bytes [${fmt(begin)}, ${fmt(end)}) run past the ${fmt(dataSize)}-byte data area; the file is truncated or its header lies`);
    const elements = (shape as number[]).reduce((a, d) => a * d, 1);
    const expected = elements * DTYPE_BYTES[dtype];
    if (end - begin !== expected)
      throw new SafetensorsError(`${where}: ${dtype} [${shape.join(', ')}] needs ${fmt(expected)} bytes but data_offsets [${begin}, ${end}] hold ${fmt(end - begin)}`);
    tensors[name] = { name, dtype, shape: shape as number[], begin, end };
  }

  // Like the official reader: the tensors must tile the data area exactly, in offset order, with no overlap,
  // hole or trailing bytes (any of those means the header lies about the data).
  const byStart = Object.values(tensors).sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous = '';
  for (const t of byStart) {
    if (t.begin < covered) throw new SafetensorsError(`tensors ${previous} and ${t.name} overlap in the data area`);
    if (t.begin > covered)
      throw new SafetensorsError(`${fmt(t.begin - covered)} unused bytes before tensor ${t.name} (at ${fmt(covered)}): the header does not describe the data area`);
    covered = t.end;
    previous = t.name;
  }
  if (covered !== dataSize)
    throw new SafetensorsError(`the data area has ${fmt(dataSize)} bytes but the tensors cover ${fmt(covered)}; the file has trailing bytes or its header lies`);
  return { metadata, tensors, dataStart, fileSize };
}

/** Decodes one tensor's bytes (exactly `info.end − info.begin` of them) into f32. */
export function decodeTensor(info: TensorInfo, bytes: Uint8Array): Tensor {
  if (!(READABLE_DTYPES as readonly string[]).includes(info.dtype))
    throw new SafetensorsError(`tensor ${info.name} has dtype ${info.dtype}; model weights must be F32, F16 or BF16`);
  if (bytes.length !== info.end - info.begin) throw new SafetensorsError(`tensor ${info.name}: got ${bytes.length} bytes, expected ${info.end - info.begin}`);
  const n = bytes.length / DTYPE_BYTES[info.dtype];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let data: Float32Array;
  if (info.dtype === 'F32') {
    if (LITTLE_ENDIAN) data = new Float32Array(bytes.slice().buffer); // copy: aligned, and independent of the file buffer
    else {
      data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getFloat32(4 * i, true);
    }
  } else {
    const toFloat = info.dtype === 'F16' ? f16BitsToFloat : bf16BitsToFloat;
    data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = toFloat(view.getUint16(2 * i, true));
  }
  return { shape: info.shape.slice(), data };
}

/** A parsed file whose tensors are read on demand: from memory, or by byte range from a Blob/File. */
export interface SafetensorsReader {
  header: SafetensorsHeader;
  metadata: Record<string, string>;
  names: string[];
  read(name: string): Promise<Tensor>;
  readAll(): Promise<Record<string, Tensor>>;
}

/**
 * Opens a safetensors file. A Uint8Array is parsed in place; a Blob (a File from an input or a drop) is read
 * lazily: first the header, then only the byte range of each tensor asked for.
 */
export async function openSafetensors(source: Uint8Array | Blob): Promise<SafetensorsReader> {
  const fileSize = source instanceof Uint8Array ? source.length : source.size;
  const range = async (begin: number, end: number): Promise<Uint8Array> =>
    source instanceof Uint8Array ? source.subarray(begin, end) : new Uint8Array(await source.slice(begin, end).arrayBuffer());
  const headerLength = readHeaderLength(await range(0, Math.min(8, fileSize)), fileSize);
  const header = parseHeader(await range(8, 8 + headerLength), fileSize);
  const read = async (name: string): Promise<Tensor> => {
    const info = Object.hasOwn(header.tensors, name) ? header.tensors[name] : undefined;
    if (!info) {
      const names = Object.keys(header.tensors);
      throw new SafetensorsError(`no tensor named ${name} in the file (it has ${names.length}: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''})`);
    }
    return decodeTensor(info, await range(header.dataStart + info.begin, header.dataStart + info.end));
  };
  const names = Object.keys(header.tensors);
  return {
    header,
    metadata: header.metadata,
    names,
    read,
    async readAll() {
      const out: Record<string, Tensor> = {};
      for (const name of names) out[name] = await read(name);
      return out;
    },
  };
}

/** Synchronous whole-file read: metadata and every tensor as f32. */
export function readSafetensors(bytes: Uint8Array): { metadata: Record<string, string>; tensors: Record<string, Tensor> } {
  const header = parseHeader(bytes.subarray(8, 8 + readHeaderLength(bytes.subarray(0, 8), bytes.length)), bytes.length);
  const tensors: Record<string, Tensor> = {};
  for (const info of Object.values(header.tensors))
    tensors[info.name] = decodeTensor(info, bytes.subarray(header.dataStart + info.begin, header.dataStart + info.end));
  return { metadata: header.metadata, tensors };
}

/**
 * Writes f32 tensors as one safetensors file, stored as `dtype` (F32 unless asked; F16/BF16 round to nearest
 * even). Tensors keep the given order; the header is space-padded to a multiple of 8 bytes, as the official
 * writer does, so the data area is aligned.
 */
export function writeSafetensors(
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
  options: { dtype?: FloatDtype } = {},
): Uint8Array<ArrayBuffer> {
  const dtype = options.dtype ?? 'F32';
  const size = DTYPE_BYTES[dtype];
  if (!(READABLE_DTYPES as readonly string[]).includes(dtype)) throw new SafetensorsError(`cannot write dtype ${dtype}; use F32, F16 or BF16`);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata))
      if (typeof v !== 'string') throw new SafetensorsError(`metadata ${k} is ${typeof v}; safetensors metadata values are strings`);
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new SafetensorsError('__metadata__ is reserved and cannot name a tensor');
    const n = t.shape.reduce((a, d) => a * d, 1);
    if (t.shape.some((d) => !Number.isSafeInteger(d) || d < 0) || n !== t.data.length)
      throw new SafetensorsError(`tensor ${name}: shape [${t.shape.join(', ')}] does not match its ${t.data.length} values`);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + n * size] };
    offset += n * size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true); // headers stay far below 4 GiB: the high word is 0
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const t of Object.values(tensors)) {
    if (dtype === 'F32') {
      if (LITTLE_ENDIAN) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
      else for (let i = 0; i < t.data.length; i++) view.setFloat32(pos + 4 * i, t.data[i], true);
    } else {
      const toBits = dtype === 'F16' ? floatToF16Bits : floatToBf16Bits;
      for (let i = 0; i < t.data.length; i++) view.setUint16(pos + 2 * i, toBits(t.data[i]), true);
    }
    pos += t.data.length * size;
  }
  return out;
}
