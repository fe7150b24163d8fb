// Browse the bundled public ARC tasks and open one in the editor.
import { useEffect, useMemo, useState } from 'react';
import { Notice } from '../common/Notice';
import { Button } from '../common/Button';
import type { ArcPuzzle } from '../store/puzzles';
import { galleryPuzzle, gallerySets, galleryTasks, type GallerySet } from './gallery';
import { ArcThumb } from './ArcThumb';

/** Tasks drawn at a time (each is two small canvases); "Show more" adds as many again. */
const PAGE = 48;
const toGrid = (rows: string[]) => rows.map((r) => Array.from(r, (ch) => ch.charCodeAt(0) - 48));

export function ArcGallery({ onOpen, knownNames }: { onOpen: (p: ArcPuzzle) => void; knownNames?: Set<string> }) {
  const [sets, setSets] = useState<GallerySet[]>([]);
  const [setId, setSetId] = useState('training');
  const [tasks, setTasks] = useState<Record<string, { train: string[][][]; test: string[][][] }> | null>(null);
  const [query, setQuery] = useState('');
  const [onlyKnown, setOnlyKnown] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState(PAGE);
  const [chosen, setChosen] = useState(false); // the user picked a set: no more opening on the model's
  const set = sets.find((s) => s.id === setId);

  useEffect(() => {
    gallerySets().then(setSets, (e: Error) => setError(e.message));
  }, []);
  // Open on the first set that holds a task the model knows, with the ★ filter on.
  useEffect(() => {
    if (!sets.length || !knownNames?.size || chosen) return;
    let stop = false;
    (async () => {
      for (const s of sets) {
        const t = await galleryTasks(s).catch(() => ({}));
        if (stop) return;
        if (Object.keys(t).some((id) => knownNames.has(id))) {
          setSetId(s.id);
          setOnlyKnown(true);
          return;
        }
      }
    })();
    return () => {
      stop = true;
    };
  }, [sets, knownNames, chosen]);
  useEffect(() => setShown(PAGE), [setId, query, onlyKnown]);
  useEffect(() => {
    if (!set) return;
    setTasks(null);
    galleryTasks(set).then(setTasks, (e: Error) => setError(e.message));
  }, [set]);

  const ids = useMemo(() => {
    const all = Object.keys(tasks ?? {});
    const q = query.trim().toLowerCase();
    return all.filter((id) => (!q || id.toLowerCase().includes(q)) && (!onlyKnown || knownNames?.has(id)));
  }, [tasks, query, onlyKnown, knownNames]);

  return (
    <div className="flex flex-col gap-2 border border-slate-700 rounded p-3 bg-slate-900/60">
      <div className="flex flex-wrap gap-2 items-center">
        <label className="text-sm" htmlFor="arc-set">Set</label>
        <select id="arc-set" value={setId} onChange={(e) => (setChosen(true), setSetId(e.target.value))} className="bg-slate-800 border border-slate-700 rounded px-2 py-1 text-sm">
          {sets.map((s) => (
            <option key={s.id} value={s.id}>{s.label} ({s.tasks})</option>
          ))}
        </select>
        <label className="sr-only" htmlFor="arc-search">Search task id</label>
        <input
          id="arc-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search id…"
          className="bg-slate-900 border border-slate-700 rounded px-2 py-1 text-sm w-32"
        />
        {knownNames && knownNames.size > 0 && (
          <label className="text-sm flex items-center gap-1">
            <input type="checkbox" checked={onlyKnown} onChange={(e) => (setChosen(true), setOnlyKnown(e.target.checked))} /> only tasks the model knows (★)
          </label>
        )}
      </div>
      {error && <Notice tone="error">{error}</Notice>}
      {!tasks && !error && <p className="text-sm text-slate-400">Loading tasks…</p>}
      {tasks && set && (
        <ul aria-label={`Tasks of ${set.label}`} className="flex flex-wrap gap-1.5 max-h-72 overflow-auto">
          {ids.slice(0, shown).map((id) => {
            const [input, output] = tasks[id].train[0] ?? [];
            return (
              <li key={id}>
                <Button
                  className="flex flex-col items-center gap-1 text-xs"
                  onClick={() => onOpen(galleryPuzzle(set, id, tasks[id]))}
                  aria-label={`Open task ${id}${knownNames?.has(id) ? ' (the model knows it)' : ''}`}
                  title={`${id}: its first demonstration pair`}
                >
                  {input && output && (
                    <span className="flex items-center gap-1" data-testid="gallery-thumb">
                      <ArcThumb grid={toGrid(input)} maxCell={2} />→<ArcThumb grid={toGrid(output)} maxCell={2} />
                    </span>
                  )}
                  <span className="font-mono">
                    {id}
                    {knownNames?.has(id) ? ' ★' : ''}
                  </span>
                </Button>
              </li>
            );
          })}
          {ids.length > shown && (
            <li className="self-center">
              <Button onClick={() => setShown((n) => n + PAGE)}>Show {Math.min(PAGE, ids.length - shown)} more of {ids.length - shown}</Button>
            </li>
          )}
          {!ids.length && <li className="text-sm text-slate-400">No task matches.</li>}
        </ul>
      )}
      <p className="text-xs text-slate-400">
        Data: ARC-AGI-1 and ARC-AGI-2 (Apache-2.0, © François Chollet, ARC Prize Foundation), ConceptARC (MIT, V. Odouard); see{' '}
        <a className="underline" href={`${import.meta.env.BASE_URL}arc/README.md`}>arc/README.md</a>.
      </p>
    </div>
  );
}
