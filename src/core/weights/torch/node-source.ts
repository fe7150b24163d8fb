// Node-only: a ByteSource over a file on disk, read by position (the CLI and tests use it).
// Import this file only from Node code; the browser uses blobSource.
import { open, type FileHandle } from 'node:fs/promises';
import { checkRange, type ByteSource } from './byte-source';
import { CheckpointError } from './errors';

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

export async function openFileSource(path: string): Promise<FileSource> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new CheckpointError(`cannot open checkpoint file ${path}: ${(e as Error).message}`);
  }
  const { size } = await fh.stat();
  return {
    size,
    read: async (offset, length) => {
      checkRange(size, offset, length);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(out, done, length - done, offset + done);
        if (bytesRead === 0) throw new CheckpointError(`${path} ended early: wanted ${length} bytes at ${offset}, got ${done} (file truncated while reading?)`);
        done += bytesRead;
      }
      return out;
    },
    close: () => fh.close(),
  };
}
