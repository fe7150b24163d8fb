// Loading models into the worker: default weights from /models/, a URL, dropped files or the cache.
// A failed load leaves the previous model of that task in place; a newer load always wins over an older one.
import type { TaskKind } from '../../core/config';
import { solverClient } from '../../worker/client';
import type { ConfirmRequest, ConfirmedShape, ModelSource } from '../../worker/protocol';
import { useStore } from '../store';
import type { ManifestEntry } from '../store/modelSlice';
import { fetchModel, readFileWithProgress, type Progress } from './download';
import { cacheDelete, cacheGet, cachePut, describeCached, localKey, type CachedModel } from './modelCache';

let loadSeq = 0;
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
  st.setLoading({ name: source.name, phase: 'parse', loaded: source.bytes.byteLength, total: source.bytes.byteLength, startedAt: performance.now() });
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
  if (userAsked && s.settings.task !== task) s.setSetting('task', task);
  return true;
}

async function guarded(name: string, work: (seq: number) => Promise<void>) {
  const seq = ++loadSeq;
  try {
    await work(seq);
  } catch (e) {
    const msg = (e as Error).message || String(e);
    useStore.getState().setModelError(`Could not load ${name}: ${msg} The previous model stays loaded.`);
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

export function loadModelFromUrl(url: string, userAsked = true, cardUrl?: string) {
  const name = decodeURIComponent(new URL(url, location.href).pathname.split('/').pop() || url);
  if (userAsked) useStore.getState().setSetting('lastModelUrl', url);
  return guarded(name, async (seq) => {
    const fetched = await fetchModel(url, name, progressTo(name, 'download'));
    await install({ format: 'app', name, bytes: fetched.bytes }, url, seq, userAsked, cardUrl).catch(async (e) => {
      if (!fetched.fromCache) await cacheDelete(url); // do not keep a file that does not load
      throw e;
    });
  });
}

/** One weights file (.safetensors or step_N), optionally with all_config.yaml. */
export function loadModelFromFiles(files: File[]) {
  const yamlFile = files.find((f) => /\.ya?ml$/i.test(f.name));
  const weights = files.filter((f) => f !== yamlFile);
  if (weights.length !== 1) {
    useStore
      .getState()
      .setModelError(
        weights.length
          ? `Drop one weights file at a time (got ${weights.map((f) => f.name).join(', ')}); an all_config.yaml may come with it.`
          : 'Only a YAML file was given; drop the step_N checkpoint together with its all_config.yaml.',
      );
    return Promise.resolve();
  }
  const file = weights[0];
  return guarded(file.name, async (seq) => {
    const bytes = await readFileWithProgress(file, progressTo(file.name, 'read'));
    const yaml = yamlFile ? await yamlFile.text() : undefined;
    const key = localKey(file.name, file.size);
    await cachePut(key, file.name, bytes, yaml);
    const source: ModelSource = yaml ? { format: 'official', name: file.name, bytes, yaml } : { format: 'official', name: file.name, bytes };
    await install(source, key, seq, true).catch(async (e) => {
      await cacheDelete(key);
      throw e;
    });
  });
}

export function loadCachedModel(entry: CachedModel, userAsked = true) {
  return guarded(entry.name, async (seq) => {
    const res = await cacheGet(entry.key);
    if (!res) throw new Error('it is no longer in the browser cache.');
    const bytes = await res.arrayBuffer();
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
  const key = useStore.getState().settings.modelKeys[task];
  const entry = (await fetchManifest()).find((m) => m.task === task);
  if (key) {
    const res = await cacheGet(key);
    if (res) {
      await loadCachedModel(describeCached(key, res), false);
      if (entry && key === shippedUrl(entry.weights) && entry.card) {
        const info = useStore.getState().models[task];
        if (info) await mergeCard(task, info.id, shippedUrl(entry.card));
      }
      return;
    }
  }
  if (entry && !useStore.getState().models[task]) return loadModelFromUrl(shippedUrl(entry.weights), false, entry.card ? shippedUrl(entry.card) : undefined);
}
