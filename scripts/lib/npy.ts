// A reader for the .npy arrays of the official dataset format (training/data/official_format.py writes them with
// numpy): version 1–3 headers, C order, little-endian integer dtypes. Values come back as numbers.
export interface NpyArray {
  shape: number[];
  data: ArrayLike<number>;
}

const DTYPES: Record<string, (b: ArrayBuffer, o: number, n: number) => ArrayLike<number>> = {
  '|u1': (b, o, n) => new Uint8Array(b, o, n),
  '|i1': (b, o, n) => new Int8Array(b, o, n),
  '<u2': (b, o, n) => new Uint16Array(b.slice(o, o + 2 * n)),
  '<i2': (b, o, n) => new Int16Array(b.slice(o, o + 2 * n)),
  '<i4': (b, o, n) => new Int32Array(b.slice(o, o + 4 * n)),
  '<u4': (b, o, n) => new Uint32Array(b.slice(o, o + 4 * n)),
  '<i8': (b, o, n) => Array.from(new BigInt64Array(b.slice(o, o + 8 * n)), Number),
};

export function readNpy(bytes: Uint8Array, name = 'array'): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) throw new Error(`${name} is not a .npy file`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLen;
  if (headerLen > 65536 || start > bytes.length) throw new Error(`${name}: the .npy header is damaged`);
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${name}: Fortran order is not read`);
  if (!descr || !(descr in DTYPES) || shapeText === undefined) throw new Error(`${name}: dtype ${descr ?? '?'} is not read (integer arrays are)`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const n = shape.reduce((a, s) => a * s, 1);
  const size = Number(descr.slice(2));
  if (start + n * size > bytes.length) throw new Error(`${name}: ${n} values of ${descr} run past the end of the file`);
  const copy = new Uint8Array(bytes.subarray(start, start + n * size)).buffer; // a copy: a Node Buffer shares a pool
  return { shape, data: DTYPES[descr](copy, 0, n) };
}
