// Random-access byte sources. A checkpoint can be 2.5 GB (ARC-2), so the reader never holds the whole file:
// it asks for byte ranges. In the browser a File/Blob is sliced; in Node a file handle is read by position
// (node-source.ts, kept apart so the browser bundle never imports `node:fs`).
import { CheckpointError } from './errors';

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Exactly `length` bytes starting at `offset`; rejects when the range leaves [0, size). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function checkRange(size: number, offset: number, length: number, what = 'read'): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size)
    throw new CheckpointError(`${what}: byte range [${offset}, ${offset + length}) lies outside the ${size}-byte file (truncated file?)`);
}

/** A source over bytes already in memory (tests, small files, fetched buffers). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => {
      checkRange(bytes.length, offset, length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** A source over a Blob or File: each read slices the blob, so nothing is loaded that is not asked for. */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    read: async (offset, length) => {
      checkRange(blob.size, offset, length);
      const buf = await blob.slice(offset, offset + length).arrayBuffer();
      if (buf.byteLength !== length) throw new CheckpointError(`the file changed or shrank while it was being read (wanted ${length} bytes at ${offset}, got ${buf.byteLength})`);
      return new Uint8Array(buf);
    },
  };
}

/** Wraps a source and records every range read: the count behind `bytesRead`, and the proof of laziness in tests. */
export interface TrackedSource extends ByteSource {
  readonly bytesRead: number;
  /** [start, end) of every read, in order. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
}

export function trackReads(inner: ByteSource): TrackedSource {
  const ranges: Array<readonly [number, number]> = [];
  let bytesRead = 0;
  return {
    get size() {
      return inner.size;
    },
    get bytesRead() {
      return bytesRead;
    },
    ranges,
    read: async (offset, length) => {
      const out = await inner.read(offset, length);
      ranges.push([offset, offset + length]);
      bytesRead += length;
      return out;
    },
  };
}

/** Accepts what callers naturally have: raw bytes, a Blob/File, or a ready source. */
export type SourceLike = ByteSource | Uint8Array | ArrayBuffer | Blob;

export function toByteSource(s: SourceLike): ByteSource {
  if (s instanceof Uint8Array) return bytesSource(s);
  if (s instanceof ArrayBuffer) return bytesSource(new Uint8Array(s));
  if (typeof Blob !== 'undefined' && s instanceof Blob) return blobSource(s);
  if (s && typeof (s as ByteSource).read === 'function' && typeof (s as ByteSource).size === 'number') return s as ByteSource;
  throw new CheckpointError('unsupported checkpoint source: pass a Uint8Array, ArrayBuffer, Blob/File or a ByteSource');
}
