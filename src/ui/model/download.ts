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

async function readStream(body: ReadableStream<Uint8Array>, total: number | null, onProgress: (p: Progress) => void, signal?: AbortSignal) {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    if (signal?.aborted) {
      await reader.cancel();
      throw new DOMException('Download cancelled', 'AbortError');
    }
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
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
export async function fetchModel(url: string, name: string, onProgress: (p: Progress) => void, signal?: AbortSignal): Promise<Fetched> {
  const cached = await cacheGet(url);
  if (cached?.body) {
    const info = describeCached(url, cached);
    const bytes = await readStream(cached.body, info.bytes || null, onProgress, signal);
    return { bytes, fromCache: true, yaml: info.yaml };
  }
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new Error(`Could not download ${url}: ${(e as Error).message}. Check the address and that the server allows cross-origin requests (CORS).`);
  }
  if (!res.ok) throw new Error(`Could not download ${url}: the server answered HTTP ${res.status} ${res.statusText}.`);
  if ((res.headers.get('content-type') ?? '').includes('text/html'))
    throw new Error(`${url} returned a web page, not a model file. Use the direct download link of the .safetensors or step_N file.`);
  const length = Number(res.headers.get('content-length'));
  const bytes = res.body ? await readStream(res.body, length > 0 ? length : null, onProgress, signal) : await res.arrayBuffer();
  await cachePut(url, name, bytes);
  return { bytes, fromCache: false };
}

/** Reads a dropped or chosen file with progress. */
export async function readFileWithProgress(file: File, onProgress: (p: Progress) => void): Promise<ArrayBuffer> {
  return readStream(file.stream() as ReadableStream<Uint8Array>, file.size, onProgress);
}
