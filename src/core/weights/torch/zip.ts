// A minimal, lazy zip reader for PyTorch checkpoints.
//
// Why not a zip library: the well-kept ones (fflate, JSZip, zip.js) hand out whole inflated entries, and an
// ARC checkpoint's puzzle table is one 1.8–2.5 GB entry of which we need a few rows. PyTorch stores entries
// uncompressed, so the point here is to find each entry's byte offset from the central directory and read
// only the ranges asked for. Every offset and length from the file is checked against the file size before use.
import type { ByteSource } from './byte-source';
import { crc32 } from './crc32';
import { ZipFormatError } from './errors';

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const EOCD_LEN = 22;
const MAX_COMMENT = 0xffff;
const CENTRAL_MIN = 46;
const LOCAL_MIN = 30;
/** Torch checkpoints hold a few dozen entries; a directory beyond this is not a checkpoint. */
const MAX_CENTRAL_DIR_BYTES = 64 * 1024 * 1024;
/** Deflated entries must be inflated whole (no random access); only small ones are accepted. */
export const MAX_DEFLATED_ENTRY_BYTES = 64 * 1024 * 1024;
/** All compressed entries of one archive together: inflated entries are held whole in memory. */
export const MAX_INFLATED_TOTAL_BYTES = 128 * 1024 * 1024;

export interface ZipEntry {
  readonly name: string;
  /** 0 = stored, 8 = deflate. */
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  /** Uncompressed size: the entry's length as the reader sees it. */
  readonly size: number;
  readonly localHeaderOffset: number;
}

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
function u64(b: Uint8Array, o: number, what: string): number {
  const v = u32(b, o) + u32(b, o + 4) * 2 ** 32;
  if (!Number.isSafeInteger(v)) throw new ZipFormatError(`${what} is ${v}, beyond what a file can hold`);
  return v;
}

export class ZipArchive {
  private inflatedTotal = 0;
  private readonly dataStarts = new Map<string, Promise<number>>();
  private readonly inflated = new Map<string, Promise<Uint8Array>>();

  private constructor(
    readonly source: ByteSource,
    readonly entries: ReadonlyMap<string, ZipEntry>,
    /** Entry data must end before this offset (start of the central directory). */
    private readonly dataLimit: number,
  ) {}

  static async open(source: ByteSource): Promise<ZipArchive> {
    const size = source.size;
    if (size < EOCD_LEN) throw new ZipFormatError(`the file is ${size} bytes, too short to be a PyTorch checkpoint (a zip archive)`);
    // The end record sits at the very end, followed only by its own comment: require that exact fit so a stray
    // signature inside data cannot be mistaken for it. Read just the record (and a ZIP64 locator before it)
    // first, as torch writes no comment, then the largest window a comment allows.
    let tailStart = 0;
    let tail: Uint8Array = new Uint8Array(0);
    let eocd = -1;
    for (const window of [EOCD_LEN + 20, EOCD_LEN + MAX_COMMENT + 20]) {
      const tailLen = Math.min(size, window);
      tailStart = size - tailLen;
      tail = await source.read(tailStart, tailLen);
      eocd = findEndRecord(tail);
      if (eocd >= 0 || tailLen === size) break;
    }
    if (eocd < 0) throw new ZipFormatError(await notAZipMessage(source));
    const disk = u16(tail, eocd + 4);
    const cdDisk = u16(tail, eocd + 6);
    let count = u16(tail, eocd + 10);
    let cdSize = u32(tail, eocd + 12);
    let cdOffset = u32(tail, eocd + 16);
    let cdLimit = tailStart + eocd; // the central directory must end before the record that describes it
    if (disk !== 0 || cdDisk !== 0) throw new ZipFormatError('the zip archive spans several disks, which checkpoints never do');

    const loc = eocd - 20;
    if (loc >= 0 && u32(tail, loc) === SIG_ZIP64_LOCATOR) {
      const z64Offset = u64(tail, loc + 8, 'the ZIP64 end record offset');
      if (u32(tail, loc + 4) !== 0 || u32(tail, loc + 16) > 1) throw new ZipFormatError('the ZIP64 archive spans several disks');
      if (z64Offset + 56 > tailStart + loc) throw new ZipFormatError(`the ZIP64 end record offset ${z64Offset} points past the end of the file (truncated or corrupt zip)`);
      const r = await source.read(z64Offset, 56);
      if (u32(r, 0) !== SIG_ZIP64_EOCD) throw new ZipFormatError(`no ZIP64 end record at offset ${z64Offset} (corrupt zip)`);
      if (u32(r, 16) !== 0 || u32(r, 20) !== 0) throw new ZipFormatError('the ZIP64 archive spans several disks');
      count = u64(r, 32, 'the ZIP64 entry count');
      cdSize = u64(r, 40, 'the ZIP64 central directory size');
      cdOffset = u64(r, 48, 'the ZIP64 central directory offset');
      cdLimit = z64Offset;
    } else if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      throw new ZipFormatError('the zip end record says ZIP64 but the ZIP64 locator is missing (truncated or corrupt zip)');
    }
    if (cdOffset + cdSize > cdLimit)
      throw new ZipFormatError(`the central directory (offset ${cdOffset}, ${cdSize} bytes) runs past its end record at ${cdLimit} (truncated or corrupt zip)`);
    if (cdSize > MAX_CENTRAL_DIR_BYTES) throw new ZipFormatError(`the central directory is ${cdSize} bytes; a checkpoint's is a few KB`);
    if (count * CENTRAL_MIN > cdSize) throw new ZipFormatError(`the zip declares ${count} entries but its central directory holds only ${cdSize} bytes`);

    const cd = await source.read(cdOffset, cdSize);
    const entries = new Map<string, ZipEntry>();
    const decoder = new TextDecoder('utf-8');
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + CENTRAL_MIN > cd.length || u32(cd, p) !== SIG_CENTRAL) throw new ZipFormatError(`central directory entry ${i} is missing or corrupt (at directory byte ${p})`);
      const flags = u16(cd, p + 8);
      const method = u16(cd, p + 10);
      const crc = u32(cd, p + 16);
      let compressedSize = u32(cd, p + 20);
      let size = u32(cd, p + 24);
      const nameLen = u16(cd, p + 28);
      const extraLen = u16(cd, p + 30);
      const commentLen = u16(cd, p + 32);
      let localHeaderOffset = u32(cd, p + 42);
      const end = p + CENTRAL_MIN + nameLen + extraLen + commentLen;
      if (end > cd.length) throw new ZipFormatError(`central directory entry ${i}: its name/extra/comment (${nameLen + extraLen + commentLen} bytes) run past the end of the directory`);
      const name = decoder.decode(cd.subarray(p + CENTRAL_MIN, p + CENTRAL_MIN + nameLen));
      // ZIP64 extra field: the 64-bit values appear, in this order, only for the fields saturated at 0xFFFFFFFF.
      const extra = cd.subarray(p + CENTRAL_MIN + nameLen, p + CENTRAL_MIN + nameLen + extraLen);
      for (let q = 0; q + 4 <= extra.length; ) {
        const id = u16(extra, q);
        const len = u16(extra, q + 2);
        if (q + 4 + len > extra.length) throw new ZipFormatError(`entry "${name}": an extra field runs past the end of its extra data`);
        if (id === 0x0001) {
          let f = q + 4;
          const take = (what: string) => {
            if (f + 8 > q + 4 + len) throw new ZipFormatError(`entry "${name}": the ZIP64 extra field is too short for its ${what}`);
            const v = u64(extra, f, `entry "${name}" ${what}`);
            f += 8;
            return v;
          };
          if (size === 0xffffffff) size = take('size');
          if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = take('header offset');
        }
        q += 4 + len;
      }
      if (flags & 1) throw new ZipFormatError(`entry "${name}" is encrypted; checkpoints never are`);
      if (method !== 0 && method !== 8) throw new ZipFormatError(`entry "${name}" uses compression method ${method}; only stored (0) and deflate (8) are read`);
      if (method === 0 && compressedSize !== size) throw new ZipFormatError(`entry "${name}" is stored but declares ${compressedSize} stored bytes for ${size} bytes of content`);
      if (localHeaderOffset + LOCAL_MIN + nameLen + compressedSize > cdOffset)
        throw new ZipFormatError(`entry "${name}" (header at ${localHeaderOffset}, ${compressedSize} bytes) runs past the start of the central directory at ${cdOffset} (entry longer than the file allows)`);
      if (entries.has(name)) throw new ZipFormatError(`the zip holds two entries named "${name}"; refusing an ambiguous archive`);
      entries.set(name, { name, method, flags, crc32: crc, compressedSize, size, localHeaderOffset });
      p = end;
    }
    return new ZipArchive(source, entries, cdOffset);
  }

  get(name: string): ZipEntry | undefined {
    return this.entries.get(name);
  }

  /** File offset of the entry's first data byte, read from (and checked against) its local header. */
  dataStart(e: ZipEntry): Promise<number> {
    let s = this.dataStarts.get(e.name);
    if (!s) {
      s = this.readLocalHeader(e);
      this.dataStarts.set(e.name, s);
    }
    return s;
  }

  private async readLocalHeader(e: ZipEntry): Promise<number> {
    const nameBytes = new TextEncoder().encode(e.name);
    const h = await this.source.read(e.localHeaderOffset, LOCAL_MIN + nameBytes.length);
    if (u32(h, 0) !== SIG_LOCAL) throw new ZipFormatError(`entry "${e.name}": no local header at offset ${e.localHeaderOffset} (corrupt zip)`);
    const method = u16(h, 8);
    const nameLen = u16(h, 26);
    const extraLen = u16(h, 28);
    if (method !== e.method) throw new ZipFormatError(`entry "${e.name}": the local header says compression ${method}, the directory says ${e.method}`);
    if (nameLen !== nameBytes.length || nameBytes.some((b, i) => h[LOCAL_MIN + i] !== b))
      throw new ZipFormatError(`entry "${e.name}": the local header names a different file than the central directory`);
    if (!(u16(h, 6) & 8)) {
      // Sizes are in the local header only when no data descriptor follows (PyTorch writes descriptors).
      const cs = u32(h, 18);
      const us = u32(h, 22);
      if (cs !== 0xffffffff && us !== 0xffffffff && (cs !== e.compressedSize || us !== e.size))
        throw new ZipFormatError(`entry "${e.name}": the local header declares ${cs}/${us} bytes, the directory ${e.compressedSize}/${e.size}`);
    }
    const start = e.localHeaderOffset + LOCAL_MIN + nameLen + extraLen;
    if (start + e.compressedSize > this.dataLimit)
      throw new ZipFormatError(`entry "${e.name}": its data (bytes ${start}..${start + e.compressedSize}) runs into the central directory at ${this.dataLimit} (entry longer than declared space, or truncated file)`);
    return start;
  }

  /**
   * `length` bytes of the entry's content from `offset`. Stored entries are read by range (the point of this
   * reader); a whole-entry read is CRC-checked. Deflated entries (rare in checkpoints) are inflated whole, once.
   */
  async read(e: ZipEntry, offset = 0, length = e.size - offset): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > e.size)
      throw new ZipFormatError(`entry "${e.name}": bytes ${offset}..${offset + length} requested, but it holds ${e.size}`);
    if (e.method === 8) return (await this.inflate(e)).subarray(offset, offset + length);
    const start = await this.dataStart(e);
    const bytes = await this.source.read(start + offset, length);
    if (offset === 0 && length === e.size) checkCrc(e, bytes);
    return bytes;
  }

  private inflate(e: ZipEntry): Promise<Uint8Array> {
    let p = this.inflated.get(e.name);
    if (!p) {
      p = this.inflateOnce(e);
      this.inflated.set(e.name, p);
    }
    return p;
  }

  private async inflateOnce(e: ZipEntry): Promise<Uint8Array> {
    this.inflatedTotal += e.size;
    if (this.inflatedTotal > MAX_INFLATED_TOTAL_BYTES)
      throw new ZipFormatError(
        `the compressed entries inflate to more than ${MAX_INFLATED_TOTAL_BYTES} bytes together (at "${e.name}"); ` +
          'Re-save the checkpoint with torch.save (it stores entries uncompressed).',
      );
    if (e.size > MAX_DEFLATED_ENTRY_BYTES || e.compressedSize > MAX_DEFLATED_ENTRY_BYTES)
      throw new ZipFormatError(
        `entry "${e.name}" is compressed (${e.size} bytes inflated); compressed entries cannot be read by range, and only those up to ` +
          `${MAX_DEFLATED_ENTRY_BYTES} bytes are accepted. Re-save the checkpoint with torch.save (it stores entries uncompressed).`,
      );
    if (typeof DecompressionStream === 'undefined') throw new ZipFormatError(`entry "${e.name}" is compressed and this runtime has no DecompressionStream`);
    const start = await this.dataStart(e);
    const packed = await this.source.read(start, e.compressedSize);
    const out = new Uint8Array(e.size);
    let filled = 0;
    try {
      const stream = new Blob([packed as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
      const reader = stream.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (filled + value.length > e.size) {
          await reader.cancel();
          throw new ZipFormatError(`entry "${e.name}" inflates to more than its declared ${e.size} bytes`);
        }
        out.set(value, filled);
        filled += value.length;
      }
    } catch (err) {
      if (err instanceof ZipFormatError) throw err;
      throw new ZipFormatError(`entry "${e.name}": its deflate data is corrupt (${(err as Error).message})`);
    }
    if (filled !== e.size) throw new ZipFormatError(`entry "${e.name}" inflates to ${filled} bytes, not the declared ${e.size}`);
    checkCrc(e, out);
    return out;
  }
}

function findEndRecord(tail: Uint8Array): number {
  for (let i = tail.length - EOCD_LEN; i >= 0; i--) if (u32(tail, i) === SIG_EOCD && i + EOCD_LEN + u16(tail, i + 20) === tail.length) return i;
  return -1;
}

function checkCrc(e: ZipEntry, bytes: Uint8Array): void {
  const c = crc32(bytes);
  if (c !== e.crc32) throw new ZipFormatError(`entry "${e.name}" fails its CRC-32 check (stored ${hex(e.crc32)}, computed ${hex(c)}): the file is corrupt`);
}

const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;

/** Says what the file looks like instead, so the user knows which remedy applies. */
async function notAZipMessage(source: ByteSource): Promise<string> {
  const head = await source.read(0, Math.min(16, source.size));
  if (head[0] === 0x80 && head[1] <= 5)
    return 'this looks like a legacy (pre-1.6, non-zip) torch.save file; re-save it with a recent PyTorch: torch.save(torch.load(f), f2)';
  if (head.length >= 9 && head[8] === 0x7b && u32(head, 4) === 0)
    return 'this looks like a safetensors file, not a PyTorch checkpoint; open it as a model file instead';
  return 'not a PyTorch checkpoint: no zip end-of-central-directory record found (the file is truncated, or is not a torch.save zip)';
}
