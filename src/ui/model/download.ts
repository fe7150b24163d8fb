// Reads a model's bytes with progress: from the Cache API, a URL (fetch stream) or a dropped File.
import { cacheGet, cachePut, describeCached } from './modelCache';

export interface Progress {
  loaded: number;
  total: number | null;
}

/** Bytes per second and seconds left, from progress and the start time (ms). */
export function rate(p: Progress, startedAt: number, now = performance.now()) {
  const seconds = Math.max(1e-3, (now - startedAt) / 1000);
  const speed = p.loaded / seconds;
  const left = p.total && speed > 0 ? Math.max(0, (p.total - p.loaded) / speed) : null;
  return { speed, left };
}

/**
 * Largest model file read whole into the page (a URL or the cache): an app model is a few MB, an official
 * step_N up to ~2.5 GB (drop such a file instead: a dropped file is read lazily, by range).
 */
export const MAX_DOWNLOAD_BYTES = 2 * 1024 ** 3;
/** A download that sends nothing for this long is stopped (a server that never answers or stalls). */
export const STALL_MS = 30_000;

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

const mb = (n: number) => `${(n / 1024 ** 2).toFixed(0)} MB`;

/** Rejects when `signal` aborts or `ms` pass first; cleans its timer either way. */
function withTimeout<T>(work: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DownloadError(`${what} for ${ms / 1000} s; stopped.`)), ms);
    const onAbort = () => reject(new DOMException('Download cancelled', 'AbortError'));
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

export async function readStream(
  body: ReadableStream<Uint8Array>, total: number | null, onProgress: (p: Progress) => void, signal?: AbortSignal,
  limits: { maxBytes: number; stallMs: number } = { maxBytes: MAX_DOWNLOAD_BYTES, stallMs: STALL_MS },
) {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      if (signal?.aborted) throw new DOMException('Download cancelled', 'AbortError');
      chunk = await withTimeout(reader.read(), limits.stallMs, `No data arrived after ${mb(loaded)}`, signal);
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      throw e;
    }
    const { done, value } = chunk;
    if (done) break;
    loaded += value.byteLength;
    if (loaded > limits.maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new DownloadError(`it is larger than ${mb(limits.maxBytes)}, the most read into the page; download it and drop the file instead (a dropped file is read by range).`);
    }
    chunks.push(value);
    onProgress({ loaded, total });
  }
  const out = new Uint8Array(loaded);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out.buffer;
}

export interface Fetched {
  bytes: ArrayBuffer;
  fromCache: boolean;
  yaml?: string;
}

/** Fetches a URL (or takes it from the cache), keeping a copy in the cache. */
/** `signal` cancels: the download stops and nothing is kept. */
export async function fetchModel(url: string, name: string, onProgress: (p: Progress) => void, signal?: AbortSignal): Promise<Fetched> {
  const cached = await cacheGet(url);
  if (cached?.body) {
    const info = describeCached(url, cached);
    const bytes = await readStream(cached.body, info.bytes || null, onProgress, signal);
    return { bytes, fromCache: true, yaml: info.yaml };
  }
  let res: Response;
  const request = new AbortController();
  const stop = () => request.abort();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    res = await withTimeout(fetch(url, { signal: request.signal }), STALL_MS, 'The server did not answer', signal);
  } catch (e) {
    request.abort();
    if ((e as Error).name === 'AbortError' || e instanceof DownloadError) throw e;
    throw new Error(`Could not download ${url}: ${(e as Error).message}. Check the address and that the server allows cross-origin requests (CORS).`);
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  if (!res.ok) throw new Error(`Could not download ${url}: the server answered HTTP ${res.status} ${res.statusText}.`);
  if ((res.headers.get('content-type') ?? '').includes('text/html'))
    throw new Error(`${url} returned a web page, not a model file. Use the direct download link of the .safetensors or step_N file.`);
  const length = Number(res.headers.get('content-length'));
  if (length > MAX_DOWNLOAD_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw new DownloadError(`it is ${mb(length)}, more than the ${mb(MAX_DOWNLOAD_BYTES)} read into the page; download it and drop the file instead (a dropped file is read by range).`);
  }
  const bytes = res.body ? await readStream(res.body, length > 0 ? length : null, onProgress, signal) : await res.arrayBuffer();
  await cachePut(url, name, bytes);
  return { bytes, fromCache: false };
}

/** Reads a dropped or chosen file with progress. */
export async function readFileWithProgress(file: File, onProgress: (p: Progress) => void): Promise<ArrayBuffer> {
  if (file.size > MAX_DOWNLOAD_BYTES) throw new DownloadError(`${file.name} is ${mb(file.size)}; at most ${mb(MAX_DOWNLOAD_BYTES)} are read whole.`);
  return readStream(file.stream() as ReadableStream<Uint8Array>, file.size, onProgress);
}
