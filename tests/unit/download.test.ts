// Model downloads are bounded: a stream that stalls stops after the stall time, one larger than the limit stops
// as soon as it passes it, and Cancel stops at once, each with its own error.
import { describe, expect, it } from 'vitest';
import { DownloadError, readStream } from '../../src/ui/model/download';

/** A stream of `chunks` chunks of `size` bytes, then (if `stall`) silence. */
function stream(chunks: number, size: number, stall = false): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent < chunks) {
        sent++;
        c.enqueue(new Uint8Array(size));
      } else if (!stall) c.close();
      else return new Promise(() => undefined);
    },
  });
}

const noProgress = () => undefined;

describe('readStream', () => {
  it('reads a whole stream within the limits', async () => {
    const bytes = await readStream(stream(3, 100), 300, noProgress, undefined, { maxBytes: 1000, stallMs: 1000 });
    expect(bytes.byteLength).toBe(300);
  });

  it('stops a stream that sends nothing for the stall time', async () => {
    const t0 = performance.now();
    await expect(readStream(stream(2, 10, true), null, noProgress, undefined, { maxBytes: 1000, stallMs: 80 })).rejects.toThrow(DownloadError);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('stops a stream as soon as it passes the size limit', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({ pull: (c) => void (pulled++, c.enqueue(new Uint8Array(1000))) });
    await expect(readStream(endless, null, noProgress, undefined, { maxBytes: 5000, stallMs: 1000 })).rejects.toThrow(/larger than/);
    expect(pulled).toBeLessThan(10);
  });

  it('Cancel stops a stalled download at once with an AbortError', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 30);
    const err = await readStream(stream(1, 10, true), null, noProgress, abort.signal, { maxBytes: 1000, stallMs: 60_000 }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
  });
});
