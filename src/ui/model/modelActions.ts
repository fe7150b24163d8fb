// Loading models into the worker: default weights from /models/, a URL, dropped files or the cache.
// A failed load leaves the previous model of that task in place; a newer load always wins over an older one.
import type { TaskKind } from '../../core/config';
import { solverClient } from '../../worker/client';
import { modelByteLength, type ConfirmRequest, type ConfirmedShape, type ModelSource } from '../../worker/protocol';
import { useStore } from '../store';
import { useNotices } from '../store/notices';
import { TASK_LABEL } from '../store/puzzles';
import type { ManifestEntry } from '../store/modelSlice';
import { fetchModel, type Progress } from './download';
import { cacheDelete, cacheGet, cachePut, describeCached, localKey, type CachedModel } from './modelCache';

let loadSeq = 0;
/** Loads the user asked for so far: an automatic load never starts after one (it would replace the user's model). */
let userLoads = 0;
const appliedSeq: Record<TaskKind, number> = { sudoku: 0, maze: 0, arc: 0 };
let confirmResolver: ((c: ConfirmedShape | null) => void) | null = null;

/** Called by the confirmation dialog. */
export function answerConfirm(c: ConfirmedShape | null) {
  useStore.getState().setConfirm(null);
  confirmResolver?.(c);
  confirmResolver = null;
}

function askConfirm(name: string) {
  return (request: ConfirmRequest) =>
    new Promise<ConfirmedShape | null>((resolve) => {
      confirmResolver = resolve;
      useStore.getState().setConfirm({ ...request, name });
    });
}

function progressTo(name: string, phase: 'download' | 'read') {
  const startedAt = performance.now();
  let last = 0;
  return (p: Progress) => {
    const now = performance.now();
    if (now - last < 50 && p.loaded !== p.total) return; // at most ~20 updates a second
    last = now;
    useStore.getState().setLoading({ name, phase, loaded: p.loaded, total: p.total, startedAt });
  };
}

/** `userAsked`: the user chose this model, so the app shows its task; automatic loads never switch tabs. */
async function install(source: ModelSource, cacheKey: string | null, seq: number, userAsked: boolean, cardUrl?: string): Promise<boolean> {
  const st = useStore.getState();
  const size = modelByteLength(source.bytes);
  st.setLoading({ name: source.name, phase: 'parse', loaded: size, total: size, startedAt: performance.now() });
  const info = await solverClient().load(source, askConfirm(source.name));
  const task = info.task;
  if (seq < appliedSeq[task]) {
    solverClient().unload(info.id); // a newer load for this task already finished
    return false;
  }
  appliedSeq[task] = seq;
  const previous = useStore.getState().models[task];
  if (previous) solverClient().unload(previous.id);
  const s = useStore.getState();
  s.setModel(task, info);
  if (cardUrl) mergeCard(task, info.id, cardUrl);
  s.setModelError(null);
  if (cacheKey) s.setSetting('modelKeys', { ...s.settings.modelKeys, [task]: cacheKey });
  // A model for another task is loaded for that task's tab; the user chooses whether to go there.
  if (userAsked && s.settings.task !== task) {
    const label = TASK_LABEL[task];
    useNotices
      .getState()
      .show('other-task', `${info.name} is a ${label} model: it is loaded for the ${label} tab, and this tab keeps its model.`, {
        label: `Show the ${label} tab`,
        run: () => useStore.getState().setSetting('task', task),
      });
  }
  return true;
}

async function guarded(name: string, work: (seq: number) => Promise<void>) {
  const seq = ++loadSeq;
  try {
    await work(seq);
  } catch (e) {
    const text = ((e as Error).message || String(e)).trim();
    const msg = /[.!?)]$/.test(text) ? text : `${text}.`; // one sentence ends before the next begins
    const cancelled = (e as Error).name === 'AbortError';
    useStore.getState().setModelError(cancelled ? `Stopped loading ${name}. The previous model stays loaded.` : `Could not load ${name}: ${msg} The previous model stays loaded.`);
  } finally {
    if (seq === loadSeq) useStore.getState().setLoading(null);
  }
}

/** The shipped card (models/<name>.json) may say more than the card inside the weights (accuracy, timing). */
async function mergeCard(task: TaskKind, modelId: string, cardUrl: string) {
  try {
    const res = await fetch(cardUrl);
    if (!res.ok) return;
    const card = (await res.json()) as Record<string, unknown>;
    const current = useStore.getState().models[task];
    if (current?.id === modelId) useStore.getState().setModel(task, { ...current, card: { ...(current.card ?? {}), ...card } });
  } catch {
    // The card is extra information; the model works without it.
  }
}

/** The download in progress, to cancel it. */
let download: AbortController | null = null;

/** Stops the model download in progress; the previous model stays loaded. */
export function cancelModelDownload() {
  download?.abort();
}

/** The file name a model URL names, or null when the text is not an http(s) URL. */
export function modelUrlName(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url, location.href);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  const last = parsed.pathname.split('/').pop() || parsed.hostname;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

export function loadModelFromUrl(url: string, userAsked = true, cardUrl?: string) {
  const name = modelUrlName(url);
  if (name === null) {
    useStore.getState().setModelError(`“${url.slice(0, 200)}” is not a web address: give an http(s) URL of a .safetensors file. The previous model stays loaded.`);
    return Promise.resolve();
  }
  if (userAsked) {
    userLoads++;
    useStore.getState().setSetting('lastModelUrl', url);
  }
  return guarded(name, async (seq) => {
    download?.abort();
    const abort = (download = new AbortController());
    const progress = progressTo(name, 'download');
    progress({ loaded: 0, total: null }); // shown (with Cancel) before the server answers
    const fetched = await fetchModel(url, name, progress, abort.signal).finally(() => {
      if (download === abort) download = null;
    });
    await install({ format: 'app', name, bytes: fetched.bytes }, url, seq, userAsked, cardUrl).catch(async (e) => {
      if (!fetched.fromCache) await cacheDelete(url); // do not keep a file that does not load
      throw e;
    });
  });
}

/** identifiers.json of an official dataset: a JSON array of names, index = puzzle id. */
export function parseIdentifiers(text: string, fileName = 'identifiers.json'): string[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${fileName} is not valid JSON (${(e as Error).message}).`);
  }
  if (!Array.isArray(data) || !data.every((x) => typeof x === 'string'))
    throw new Error(`${fileName} must be a JSON list of puzzle names (the dataset's identifiers.json).`);
  return data as string[];
}

/**
 * One weights file (.safetensors or step_N), optionally with all_config.yaml and the dataset's identifiers.json.
 * The file goes to the worker as a Blob, so a 2 GB step_N is read lazily (only the rows asked for).
 */
export function loadModelFromFiles(files: File[]) {
  const yamlFile = files.find((f) => /\.ya?ml$/i.test(f.name));
  const idsFile = files.find((f) => /\.json$/i.test(f.name));
  const weights = files.filter((f) => f !== yamlFile && f !== idsFile);
  if (weights.length !== 1) {
    useStore
      .getState()
      .setModelError(
        weights.length
          ? `Drop one weights file at a time (got ${weights.map((f) => f.name).join(', ')}); an all_config.yaml and identifiers.json may come with it.`
          : 'Only a YAML or JSON file was given; drop the step_N checkpoint together with its all_config.yaml (and identifiers.json).',
      );
    return Promise.resolve();
  }
  const file = weights[0];
  userLoads++;
  return guarded(file.name, async (seq) => {
    const yaml = yamlFile ? await yamlFile.text() : undefined;
    const identifiers = idsFile ? parseIdentifiers(await idsFile.text(), idsFile.name) : undefined;
    const source: ModelSource = { format: 'official', name: file.name, bytes: file };
    if (yaml) source.yaml = yaml;
    if (identifiers) source.identifiers = identifiers;
    // With identifiers.json the file is a large official checkpoint: loading it again needs the names, which the
    // cache does not keep, so it is not cached (nor copied: 2 GB).
    const key = identifiers ? null : localKey(file.name, file.size);
    if (key) await cachePut(key, file.name, file, yaml);
    await install(source, key, seq, true).catch(async (e) => {
      if (key) await cacheDelete(key);
      throw e;
    });
  });
}

export function loadCachedModel(entry: CachedModel, userAsked = true) {
  if (userAsked) userLoads++;
  return guarded(entry.name, async (seq) => {
    const res = await cacheGet(entry.key);
    if (!res) throw new Error('it is no longer in the browser cache.');
    const bytes = await res.blob(); // read lazily in the worker
    await install({ format: 'official', name: entry.name, bytes, yaml: entry.yaml }, entry.key, seq, userAsked);
  });
}

/** Reads /models/manifest.json once; an absent manifest means no default model is shipped. */
export async function fetchManifest(): Promise<ManifestEntry[]> {
  const st = useStore.getState();
  if (st.manifest) return st.manifest;
  let entries: ManifestEntry[] = [];
  try {
    const res = await fetch(`${import.meta.env.BASE_URL}models/manifest.json`);
    if (res.ok && (res.headers.get('content-type') ?? '').includes('json')) entries = (await res.json()) as ManifestEntry[];
  } catch {
    entries = [];
  }
  st.setManifest(Array.isArray(entries) ? entries : []);
  return useStore.getState().manifest!;
}

/** Manifest paths are relative to models/ (a leading "models/" is accepted too). */
export function shippedUrl(file: string): string {
  return new URL(`${import.meta.env.BASE_URL}models/${file.replace(/^(\.\/)?models\//, '')}`, location.href).href;
}

const autoTried = new Set<TaskKind>();

/** On first visit of a task: the model used last time (from the cache), else the shipped default. */
export async function autoLoadModel(task: TaskKind) {
  if (autoTried.has(task) || useStore.getState().models[task]) return;
  autoTried.add(task);
  const userLoadsAtStart = userLoads;
  const userLoaded = () => userLoads !== userLoadsAtStart || !!useStore.getState().models[task];
  const key = useStore.getState().settings.modelKeys[task];
  const entry = (await fetchManifest()).find((m) => m.task === task);
  if (key) {
    const res = await cacheGet(key);
    if (res) {
      if (userLoaded()) return;
      await loadCachedModel(describeCached(key, res), false);
      if (entry && key === shippedUrl(entry.weights) && entry.card) {
        const info = useStore.getState().models[task];
        if (info) await mergeCard(task, info.id, shippedUrl(entry.card));
      }
      return;
    }
  }
  if (entry && !userLoaded()) return loadModelFromUrl(shippedUrl(entry.weights), false, entry.card ? shippedUrl(entry.card) : undefined);
}
