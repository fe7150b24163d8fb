// Kaggle ARC JSON ⇄ the editor's puzzle. Accepts one task ({train, test}), a challenges file
// ({id: task}) or the app's own export (which may carry test outputs).
import { boundedMessage } from '../../core/untrusted';
import { ARC_MAX, type ArcGrid, type ArcPuzzle } from '../store/puzzles';
import { MAX_ARC_TEST_PAIRS, MAX_ARC_TRAIN_PAIRS } from '../store/restore';

/** A value in an error message: its kind, never its (possibly huge or deeply nested) contents. */
function kindOf(x: unknown): string {
  if (Array.isArray(x)) return `a list of ${x.length}`;
  if (x === null) return 'null';
  if (typeof x === 'string') return x.length > 20 ? `a string of ${x.length} characters` : JSON.stringify(x);
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  return `a ${typeof x}`;
}

function gridOrThrow(v: unknown, where: string): ArcGrid {
  if (!Array.isArray(v) || !v.length || !Array.isArray(v[0])) throw new Error(`${where}: a grid must be a non-empty list of rows.`);
  const rows = v.length;
  const cols = (v[0] as unknown[]).length;
  if (rows > ARC_MAX || cols > ARC_MAX) throw new Error(`${where}: the grid is ${rows}×${cols}; ARC grids are at most ${ARC_MAX}×${ARC_MAX}.`);
  if (!cols) throw new Error(`${where}: the first row is empty.`);
  v.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== cols) throw new Error(`${where}: row ${r + 1} has ${Array.isArray(row) ? row.length : 'no'} cells, the first row has ${cols}.`);
    row.forEach((x, c) => {
      if (!Number.isInteger(x) || x < 0 || x > 9) throw new Error(`${where}: row ${r + 1}, column ${c + 1} holds ${kindOf(x)}; colours are integers 0 to 9.`);
    });
  });
  return v as ArcGrid;
}

function taskOrThrow(t: unknown, name: string, source: string): ArcPuzzle {
  const o = t as { train?: unknown; test?: unknown };
  if (!o || typeof o !== 'object' || !Array.isArray(o.train) || !Array.isArray(o.test))
    throw new Error(`Task ${name}: expected an object with "train" and "test" lists.`);
  if (!o.test.length) throw new Error(`Task ${name}: "test" is empty; at least one test input is needed.`);
  if (o.train.length > MAX_ARC_TRAIN_PAIRS || o.test.length > MAX_ARC_TEST_PAIRS)
    throw new Error(`Task ${name}: ${o.train.length} train and ${o.test.length} test pairs; a task here has at most ${MAX_ARC_TRAIN_PAIRS} and ${MAX_ARC_TEST_PAIRS} (public ARC tasks have up to 10 and 4).`);
  return {
    name,
    source,
    train: o.train.map((p: { input?: unknown; output?: unknown }, i) => ({
      input: gridOrThrow(p?.input, `train pair ${i + 1} input`),
      output: gridOrThrow(p?.output, `train pair ${i + 1} output`),
    })),
    test: o.test.map((p: { input?: unknown; output?: unknown }, i) => ({
      input: gridOrThrow(p?.input, `test ${i + 1} input`),
      ...(p?.output !== undefined ? { output: gridOrThrow(p.output, `test ${i + 1} output`) } : {}),
    })),
  };
}

/** Parses Kaggle JSON text; `fallbackName` names a bare task. Returns every task found. Throws with a clear message. */
export function importKaggle(text: string, fallbackName = 'imported'): ArcPuzzle[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`This is not valid JSON (${boundedMessage(e)}). Expected Kaggle ARC format: {"train": [...], "test": [...]}.`);
  }
  if (data && typeof data === 'object' && Object.hasOwn(data, 'train') && Object.hasOwn(data, 'test')) {
    const named = (data as { name?: unknown }).name;
    const name = typeof named === 'string' ? named : fallbackName;
    return [taskOrThrow(data, name, 'import')];
  }
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const entries = Object.entries(data as Record<string, unknown>);
    if (!entries.length) throw new Error('The JSON object is empty: no ARC task in it.');
    return entries.map(([id, t]) => taskOrThrow(t, id, 'import'));
  }
  throw new Error('Expected Kaggle ARC format: a task {"train": [...], "test": [...]} or a challenges file {"<id>": task}.');
}

export function exportKaggle(p: ArcPuzzle): string {
  const task = {
    name: p.name,
    train: p.train.map((t) => ({ input: t.input, output: t.output })),
    test: p.test.map((t) => (t.output ? { input: t.input, output: t.output } : { input: t.input })),
  };
  return JSON.stringify(task);
}
