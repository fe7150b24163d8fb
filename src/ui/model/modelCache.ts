// Downloaded (and dropped) models are kept in the Cache API so a reload does not fetch them again.
const CACHE = 'trm-models-v1';

export interface CachedModel {
  key: string; // request URL (downloads) or a synthetic local URL (dropped files)
  name: string;
  bytes: number;
  savedAt: string;
  yaml?: string;
}

const hasCaches = () => typeof caches !== 'undefined';

/** A cache key for a file the user dropped (Cache API keys must be http(s) URLs); the size tells same-named files apart. */
export function localKey(name: string, size: number): string {
  return new URL(`/__local-models__/${size}/${encodeURIComponent(name)}`, location.origin).href;
}

export async function cacheGet(key: string): Promise<Response | undefined> {
  if (!hasCaches()) return undefined;
  return (await caches.open(CACHE)).match(key);
}

export async function cachePut(key: string, name: string, bytes: ArrayBuffer | Blob, yaml?: string): Promise<void> {
  if (!hasCaches()) return;
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'content-length': String(bytes instanceof Blob ? bytes.size : bytes.byteLength),
    'x-trm-name': encodeURIComponent(name),
    'x-trm-saved-at': new Date().toISOString(),
  };
  if (yaml) headers['x-trm-yaml'] = encodeURIComponent(yaml);
  try {
    await (await caches.open(CACHE)).put(key, new Response(bytes, { headers }));
  } catch {
    // Quota exceeded or private mode: the model still works, it is just not kept.
  }
}

export function describeCached(key: string, res: Response): CachedModel {
  const h = res.headers;
  const yaml = h.get('x-trm-yaml');
  return {
    key,
    name: decodeURIComponent(h.get('x-trm-name') ?? key.split('/').pop() ?? key),
    bytes: Number(h.get('content-length') ?? 0),
    savedAt: h.get('x-trm-saved-at') ?? '',
    ...(yaml ? { yaml: decodeURIComponent(yaml) } : {}),
  };
}

export async function cacheList(): Promise<CachedModel[]> {
  if (!hasCaches()) return [];
  const cache = await caches.open(CACHE);
  const out: CachedModel[] = [];
  for (const req of await cache.keys()) {
    const res = await cache.match(req);
    if (res) out.push(describeCached(req.url, res));
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export async function cacheDelete(key: string): Promise<void> {
  if (hasCaches()) await (await caches.open(CACHE)).delete(key);
}
