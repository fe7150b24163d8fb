// ARC editor: demonstration pairs plus test inputs, palette, pencil / fill / flood tools, resize up to 30×30,
// Kaggle JSON import/export and the gallery of public tasks.
import { useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from '../store';
import { arcGridAt, blankGrid, emptyArc, withArcGrid, type ArcPuzzle, type ArcTarget } from '../store/puzzles';
import type { ArcTool } from '../store/settingsSlice';
import { EditorFrame } from '../common/EditorFrame';
import { Button } from '../common/Button';
import { Notice } from '../common/Notice';
import { GridCanvas, moveCursor, type CellPhase } from '../common/GridCanvas';
import { ARC_COLOURS, ARC_COLOUR_NAMES, paintArcGrid } from './palette';
import { fillArcGrid, floodArcGrid, resizeArcGrid, setArcCell } from './gridOps';
import { exportKaggle, importKaggle } from './kaggle';
import { ArcThumb } from './ArcThumb';
import { ArcGallery } from './ArcGallery';
import { ToolGroup, type ToolOption } from '../common/ToolGroup';

const TOOLS: ToolOption<ArcTool>[] = [
  { id: 'pencil', label: 'Pencil', title: 'paint cells (drag)' },
  { id: 'flood', label: 'Flood', title: 'fill the connected area of one colour' },
  { id: 'fill', label: 'Fill', title: 'fill the whole grid' },
];

export function targetName(t: ArcTarget) {
  return t.part === 'train' ? `Pair ${t.index + 1} ${t.side}` : `Test ${t.index + 1} ${t.side === 'input' ? 'input' : 'expected output'}`;
}

export function ArcEditor() {
  const puzzle = useStore((s) => s.puzzles.arc.present);
  const edit = useStore((s) => s.edit);
  const tool = useStore((s) => s.settings.arcTool);
  const colour = useStore((s) => s.settings.arcColour);
  const setSetting = useStore((s) => s.setSetting);
  const model = useStore((s) => s.models.arc);
  const [target, setTarget] = useState<ArcTarget>({ part: 'test', index: 0, side: 'input' });
  const [cursor, setCursor] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [importText, setImportText] = useState('');
  const [panel, setPanel] = useState<'none' | 'import' | 'gallery'>('none');
  const [size, setSize] = useState<{ rows: string; cols: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const grid = arcGridAt(puzzle, target) ?? arcGridAt(puzzle, { part: 'test', index: 0, side: 'input' })!;
  const rows = grid.length;
  const cols = grid[0].length;
  const knownNames = model?.puzzleRows ? new Set(Object.keys(model.puzzleRows)) : undefined;

  const setGrid = (g: typeof grid, mode: 'push' | 'replace' = 'push') => {
    const current = useStore.getState().puzzles.arc.present;
    edit('arc', withArcGrid(current, target, g), mode);
  };
  const apply = (cell: number, mode: 'push' | 'replace') => {
    const g = arcGridAt(useStore.getState().puzzles.arc.present, target) ?? grid;
    const r = Math.floor(cell / cols);
    const c = cell % cols;
    if (tool === 'pencil') setGrid(setArcCell(g, r, c, colour), mode);
    else if (tool === 'flood') setGrid(floodArcGrid(g, r, c, colour), mode);
    else setGrid(fillArcGrid(g, colour), mode);
  };
  const onCell = (cell: number, phase: CellPhase) => {
    if (phase === 'down') {
      setCursor(cell);
      apply(cell, 'push');
    } else if (phase === 'move' && tool === 'pencil') apply(cell, 'replace');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const moved = moveCursor(e.key, Math.min(cursor, rows * cols - 1), rows, cols);
    if (moved !== null) setCursor(moved);
    else if (e.key === ' ' || e.key === 'Enter') apply(Math.min(cursor, rows * cols - 1), 'push');
    else if (e.key >= '0' && e.key <= '9') setSetting('arcColour', Number(e.key));
    else return;
    e.preventDefault();
  };

  const select = (t: ArcTarget) => {
    setTarget(t);
    setCursor(0);
    setSize(null);
  };
  const loadPuzzle = (p: ArcPuzzle) => {
    edit('arc', p);
    select({ part: 'test', index: 0, side: 'input' });
    setError(null);
    setPanel('none');
  };
  const doImport = (text: string, fileName?: string) => {
    try {
      const tasks = importKaggle(text, fileName?.replace(/\.json$/i, '') ?? 'imported');
      loadPuzzle(tasks[0]);
      setImportText('');
      setInfo(tasks.length > 1 ? `Opened ${tasks[0].name}, the first of the ${tasks.length} tasks in the file.` : null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const doExport = () => {
    const blob = new Blob([exportKaggle(puzzle)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${puzzle.name || 'arc-task'}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  const applySize = () => {
    if (!size) return;
    try {
      setGrid(resizeArcGrid(grid, Number(size.rows), Number(size.cols)));
      setError(null);
      setSize(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const addPair = () => {
    const last = puzzle.train[puzzle.train.length - 1];
    const g = last ? blankGrid(last.input.length, last.input[0].length) : blankGrid(3, 3);
    edit('arc', { ...puzzle, train: [...puzzle.train, { input: g, output: g }] });
    select({ part: 'train', index: puzzle.train.length, side: 'input' });
  };
  const removeTarget = () => {
    if (target.part === 'train') {
      edit('arc', { ...puzzle, train: puzzle.train.filter((_, i) => i !== target.index) });
      select({ part: 'test', index: 0, side: 'input' });
    } else if (puzzle.test.length > 1) {
      edit('arc', { ...puzzle, test: puzzle.test.filter((_, i) => i !== target.index) });
      select({ part: 'test', index: 0, side: 'input' });
    }
  };
  const addTest = () => {
    edit('arc', { ...puzzle, test: [...puzzle.test, { input: blankGrid(3, 3) }] });
    select({ part: 'test', index: puzzle.test.length, side: 'input' });
  };

  const isTarget = (t: ArcTarget) => t.part === target.part && t.index === target.index && t.side === target.side;
  const thumbButton = (t: ArcTarget) => {
    const g = arcGridAt(puzzle, t);
    return (
      <button
        type="button"
        aria-pressed={isTarget(t)}
        aria-label={`Edit ${targetName(t)}${g ? ` (${g.length}×${g[0].length})` : ' (none yet)'}`}
        onClick={() => {
          if (!g) edit('arc', withArcGrid(puzzle, t, blankGrid(...inputSize(puzzle, t))));
          select(t);
        }}
        className={`p-1 rounded border ${isTarget(t) ? 'border-sky-400 bg-sky-950' : 'border-slate-700 hover:border-slate-500'}`}
      >
        {g ? <ArcThumb grid={g} maxCell={g.length > 15 || g[0].length > 15 ? 2 : 4} /> : <span className="text-xs text-slate-400 px-1">+ add</span>}
      </button>
    );
  };

  const toolbar = (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2 items-center">
        <label className="text-sm" htmlFor="arc-name">Task name</label>
        <input
          id="arc-name"
          value={puzzle.name}
          onChange={(e) => edit('arc', { ...puzzle, name: e.target.value, source: 'drawn' }, 'replace')}
          className="bg-slate-900 border border-slate-700 rounded px-2 py-1 text-sm font-mono w-36"
        />
        <Button onClick={() => setPanel(panel === 'gallery' ? 'none' : 'gallery')} aria-expanded={panel === 'gallery'}>Gallery…</Button>
        <Button onClick={() => setPanel(panel === 'import' ? 'none' : 'import')} aria-expanded={panel === 'import'}>Import JSON…</Button>
        <Button onClick={doExport}>Export JSON</Button>
        <Button onClick={() => loadPuzzle(emptyArc())}>New</Button>
      </div>
      <div className="flex flex-wrap gap-3 items-center">
        <ToolGroup label="Drawing tool" tools={TOOLS} value={tool} onChange={(id) => setSetting('arcTool', id)} />
        <div role="radiogroup" aria-label="Colour (keys 0 to 9 on the grid)" className="flex gap-1">
          {ARC_COLOURS.map((hex, i) => (
            <button
              key={i}
              type="button"
              role="radio"
              aria-checked={colour === i}
              aria-label={`Colour ${i}: ${ARC_COLOUR_NAMES[i]}`}
              title={`${i}: ${ARC_COLOUR_NAMES[i]}`}
              onClick={() => setSetting('arcColour', i)}
              style={{ background: hex }}
              className={`w-6 h-6 rounded-sm border-2 ${colour === i ? 'border-white scale-110' : 'border-slate-600'}`}
            />
          ))}
        </div>
      </div>
    </div>
  );

  return (
    <EditorFrame task="arc" title="ARC task" toolbar={toolbar}>
      {panel === 'gallery' && <ArcGallery onOpen={loadPuzzle} knownNames={knownNames} />}
      {panel === 'import' && (
        <div className="flex flex-col gap-2 border border-slate-700 rounded p-3 bg-slate-900/60">
          <label htmlFor="arc-import" className="text-sm">Paste Kaggle ARC JSON (a task, or a challenges file: its first task opens)</label>
          <textarea
            id="arc-import"
            rows={4}
            value={importText}
            onChange={(e) => setImportText(e.target.value)}
            className="font-mono text-xs bg-slate-950 border border-slate-700 rounded p-2"
          />
          <div className="flex gap-2">
            <Button variant="primary" onClick={() => doImport(importText)}>Import</Button>
            <Button onClick={() => fileInput.current?.click()}>Choose file…</Button>
            <input
              ref={fileInput}
              type="file"
              accept=".json,application/json"
              className="hidden"
              aria-label="ARC JSON file"
              data-testid="arc-file"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (f) doImport(await f.text(), f.name);
                e.target.value = '';
              }}
            />
          </div>
        </div>
      )}
      {error && <Notice tone="error" testId="arc-error">{error}</Notice>}
      {info && <Notice tone="info">{info}</Notice>}
      <div className="flex flex-wrap gap-4 items-start">
        <nav aria-label="Grids of this task" className="flex flex-col gap-2 max-h-[28rem] overflow-auto pr-1">
          {puzzle.train.map((_, i) => (
            <div key={`p${i}`} className="flex items-center gap-1 text-xs text-slate-400">
              <span className="w-10">Pair {i + 1}</span>
              {thumbButton({ part: 'train', index: i, side: 'input' })}→{thumbButton({ part: 'train', index: i, side: 'output' })}
            </div>
          ))}
          <Button onClick={addPair} className="text-xs">+ demonstration pair</Button>
          {puzzle.test.map((_, i) => (
            <div key={`t${i}`} className="flex items-center gap-1 text-xs text-slate-400">
              <span className="w-10">Test {i + 1}</span>
              {thumbButton({ part: 'test', index: i, side: 'input' })}→{thumbButton({ part: 'test', index: i, side: 'output' })}
            </div>
          ))}
          <Button onClick={addTest} className="text-xs">+ test input</Button>
        </nav>
        <div className="flex flex-col gap-2 flex-1 min-w-[14rem] max-w-[32rem]">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <strong>{targetName(target)}</strong>
            <form
              className="flex items-center gap-1"
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                applySize();
              }}
            >
              <label htmlFor="arc-rows" className="sr-only">Rows</label>
              <input id="arc-rows" type="number" min={1} max={30} value={size?.rows ?? rows}
                onChange={(e) => setSize({ rows: e.target.value, cols: size?.cols ?? String(cols) })}
                className="w-14 bg-slate-900 border border-slate-700 rounded px-1 py-0.5" />
              ×
              <label htmlFor="arc-cols" className="sr-only">Columns</label>
              <input id="arc-cols" type="number" min={1} max={30} value={size?.cols ?? cols}
                onChange={(e) => setSize({ rows: size?.rows ?? String(rows), cols: e.target.value })}
                className="w-14 bg-slate-900 border border-slate-700 rounded px-1 py-0.5" />
              <Button type="submit" disabled={!size}>Resize</Button>
            </form>
            {(target.part === 'train' || puzzle.test.length > 1) && (
              <Button variant="ghost" onClick={removeTarget} className="text-xs">Remove {target.part === 'train' ? 'pair' : 'test'}</Button>
            )}
          </div>
          <GridCanvas
            rows={rows}
            cols={cols}
            maxCell={44}
            paint={(ctx, s) => paintArcGrid(ctx, grid, s)}
            cursor={Math.min(cursor, rows * cols - 1)}
            onCell={onCell}
            onKeyDown={onKeyDown}
            role="application"
            roleDescription="ARC grid editor"
            label={`${targetName(target)}, ${rows} by ${cols}. Arrow keys move, Space paints with colour ${colour} (${ARC_COLOUR_NAMES[colour]}), keys 0 to 9 choose the colour.`}
            testId="arc-editor"
            focusable
          />
        </div>
      </div>
      <Notice tone="info">
        A TRM solves only ARC tasks whose puzzle embedding it was trained on: the demonstration pairs are never shown to
        the model, they were learned into that task's embedding row (docs/spec.md §7). A task you draw yourself has no row, so the
        answer is meaningless; the pairs here are for you.
      </Notice>
    </EditorFrame>
  );
}

function inputSize(p: ArcPuzzle, t: ArcTarget): [number, number] {
  const g = t.part === 'train' ? p.train[t.index]?.input : p.test[t.index]?.input;
  return g ? [g.length, g[0].length] : [3, 3];
}
