// Model panel: the loaded model and its card, load from URL or by drag-and-drop with progress, the models
// kept in the browser cache, engine settings, and the n/T confirmation for official checkpoints.
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { useStore } from '../store';
import { TASK_LABEL } from '../store/puzzles';
import { Button } from '../common/Button';
import { Notice } from '../common/Notice';
import { ModelCardView } from './ModelCardView';
import { ConfirmDialog } from './ConfirmDialog';
import { rate } from './download';
import { formatBytes, formatSeconds } from './format';
import { cacheDelete, cacheList, type CachedModel } from './modelCache';
import { autoLoadModel, cancelModelDownload, loadCachedModel, loadModelFromFiles, loadModelFromUrl } from './modelActions';

export function ModelPanel() {
  const task = useStore((s) => s.settings.task);
  const models = useStore((s) => s.models);
  const manifest = useStore((s) => s.manifest);
  const loading = useStore((s) => s.loading);
  const error = useStore((s) => s.modelError);
  const confirm = useStore((s) => s.confirm);
  const lastUrl = useStore((s) => s.settings.lastModelUrl);
  const [url, setUrl] = useState(lastUrl);
  const [dragOver, setDragOver] = useState(false);
  const [cached, setCached] = useState<CachedModel[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const model = models[task];

  const refreshCache = useCallback(() => {
    cacheList().then(setCached, () => setCached([]));
  }, []);
  useEffect(() => {
    autoLoadModel(task).finally(refreshCache);
  }, [task, refreshCache]);
  useEffect(() => {
    if (!loading) refreshCache();
  }, [loading, refreshCache]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation(); // handled here; the page-wide handler below is for drops elsewhere
    setDragOver(false);
    const files = [...e.dataTransfer.files];
    if (files.length) loadModelFromFiles(files);
  };

  // Files dropped anywhere on the page load as a model too (a browser would otherwise open them and leave the app).
  useEffect(() => {
    const hasFiles = (e: globalThis.DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
    const over = (e: globalThis.DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: globalThis.DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length) loadModelFromFiles(files);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);

  const noDefault = manifest !== null && !manifest.some((m) => m.task === task);
  const progress = loading && rate({ loaded: loading.loaded, total: loading.total }, loading.startedAt);

  return (
    <aside aria-label="Model" className="flex flex-col gap-3 border border-slate-800 rounded-lg p-3 bg-slate-900/30">
      <h2 className="text-base font-semibold">Model for {TASK_LABEL[task]}</h2>
      {model ? (
        <ModelCardView info={model} />
      ) : noDefault ? (
        <Notice tone="warn" testId="no-default-model">
          No default model is shipped for {TASK_LABEL[task]} yet. Load one from a URL or drop a .safetensors file (or an
          official step_N checkpoint with its all_config.yaml) below.
        </Notice>
      ) : (
        <p className="text-sm text-slate-400">No model loaded yet.</p>
      )}

      {loading && (
        <div className="flex flex-col gap-1" role="status" aria-live="polite" data-testid="model-progress">
          <div className="text-xs text-slate-300">
            {loading.phase === 'parse' ? 'Checking and preparing' : loading.phase === 'read' ? 'Reading' : 'Downloading'} {loading.name}
            {loading.phase !== 'parse' && progress && (
              <>
                {' '}
                · {formatBytes(loading.loaded)}
                {loading.total ? ` of ${formatBytes(loading.total)}` : ''} · {formatBytes(progress.speed)}/s
                {progress.left !== null ? ` · ${formatSeconds(progress.left)} left` : ''}
              </>
            )}
          </div>
          <div className="flex items-center gap-2">
            <progress
              className="w-full h-2 accent-sky-500"
              aria-label="Model loading progress"
              max={loading.total ?? undefined}
              value={loading.phase === 'parse' ? undefined : loading.loaded}
            />
            {loading.phase === 'download' && <Button onClick={cancelModelDownload}>Cancel</Button>}
          </div>
        </div>
      )}
      {error && <Notice tone="error" testId="model-error">{error}</Notice>}
      {confirm && <ConfirmDialog request={confirm} />}

      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragOver(true);
        }}
        onDragLeave={() => setDragOver(false)}
        onDrop={onDrop}
        className={`flex flex-col items-center gap-2 rounded border-2 border-dashed p-4 text-center text-sm ${dragOver ? 'border-sky-400 bg-sky-950/50' : 'border-slate-700'}`}
      >
        <span>Drop a model here (or anywhere on the page): .safetensors, or step_N with its all_config.yaml (and, for ARC, the dataset's identifiers.json)</span>
        <Button onClick={() => fileInput.current?.click()}>Choose files…</Button>
        <input
          ref={fileInput}
          type="file"
          multiple
          className="hidden"
          aria-label="Model files"
          data-testid="model-file"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            if (files.length) loadModelFromFiles(files);
            e.target.value = '';
          }}
        />
      </div>
      <form
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim()) loadModelFromUrl(url.trim());
        }}
      >
        <label htmlFor="model-url" className="sr-only">Model URL</label>
        <input
          id="model-url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://…/model.safetensors"
          className="flex-1 min-w-0 bg-slate-900 border border-slate-700 rounded px-2 py-1 text-sm"
        />
        <Button type="submit" disabled={!url.trim() || !!loading}>Load URL</Button>
      </form>

      <details className="text-sm" open={cached.length > 0}>
        <summary className="cursor-pointer text-slate-300">Kept in this browser ({cached.length})</summary>
        <ul className="flex flex-col gap-1 mt-2" aria-label="Cached models">
          {cached.map((m) => (
            <li key={m.key} className="flex items-center gap-2 text-xs">
              <span className="flex-1 min-w-0 truncate font-mono" title={m.key}>{m.name}</span>
              <span className="text-slate-400 tabular-nums">{formatBytes(m.bytes)}</span>
              <Button className="text-xs" onClick={() => loadCachedModel(m)} aria-label={`Load ${m.name} (${formatBytes(m.bytes)})`}>Load</Button>
              <Button
                variant="ghost"
                className="text-xs"
                aria-label={`Delete ${m.name} (${formatBytes(m.bytes)}) from the browser cache`}
                onClick={() => cacheDelete(m.key).then(refreshCache)}
              >
                Delete
              </Button>
            </li>
          ))}
          {!cached.length && <li className="text-xs text-slate-400">Nothing yet: downloaded and dropped models are kept here.</li>}
        </ul>
      </details>


      {(Object.keys(models) as (keyof typeof models)[]).filter((t) => t !== task && models[t]).length > 0 && (
        <p className="text-xs text-slate-400">
          Also loaded:{' '}
          {(Object.keys(models) as (keyof typeof models)[])
            .filter((t) => t !== task && models[t])
            .map((t) => `${TASK_LABEL[t]}: ${models[t]!.name}`)
            .join(' · ')}
        </p>
      )}
    </aside>
  );
}
