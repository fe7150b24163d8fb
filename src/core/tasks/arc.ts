// ARC-AGI: Kaggle JSON ⇄ grids ⇄ official tokens on the 30×30 canvas (docs/spec.md §3.3: PAD 0, EOS 1,
// colour c → c+2, an EOS border below and right of the grid) and the official crop that decodes them.
// A model may use a smaller square canvas (its seq_len = side²): the same encoding on that side.
import { boundedMessage } from '../untrusted';
import { TaskInputError } from './errors';

/** Rows of colours 0..9; rectangular, 1..30 rows and columns. */
export type ArcGrid = number[][];

export interface ArcPair {
  input: ArcGrid;
  output: ArcGrid;
}
export interface ArcTestPair {
  input: ArcGrid;
  output?: ArcGrid; // absent in challenge files; the solutions file holds it
}
export interface ArcTask {
  train: ArcPair[];
  test: ArcTestPair[];
}

export const ARC_CANVAS = 30;

/** The canvas side of an ARC model that reads `seqLen` cells: a square of side 1..30, else null. */
export function arcCanvasOf(seqLen: number): number | null {
  const side = Math.round(Math.sqrt(seqLen));
  return side >= 1 && side <= ARC_CANVAS && side * side === seqLen ? side : null;
}

/** Whether `grid` (already a valid ARC grid) fits a canvas of side `canvas`. */
export function fitsCanvas(grid: ArcGrid, canvas: number): boolean {
  return grid.length <= canvas && grid[0].length <= canvas;
}

/** Throws unless `grid` (already a valid ARC grid) fits a canvas of side `canvas`. */
export function assertFitsCanvas(grid: ArcGrid, canvas: number, where = 'ARC grid') {
  if (!fitsCanvas(grid, canvas))
    throw new TaskInputError(`${where} is ${grid.length}×${grid[0].length}; this model's canvas is ${canvas}×${canvas}`);
}
const PAD = 0;
const EOS = 1;
const COLOUR_OFFSET = 2;

/** Throws unless `grid` is a rectangular array of integer colours 0..9 with 1..30 rows and columns. */
export function assertArcGrid(grid: unknown, where = 'ARC grid'): asserts grid is ArcGrid {
  if (!Array.isArray(grid)) throw new TaskInputError(`${where}: expected a list of rows, got ${describe(grid)}`);
  if (grid.length === 0) throw new TaskInputError(`${where}: grid has no rows`);
  grid.forEach((row, r) => {
    if (!Array.isArray(row)) throw new TaskInputError(`${where}: row ${r + 1} is ${describe(row)}, not a list of colours`);
  });
  const rows = grid as unknown[][];
  const cols = rows[0].length;
  if (cols === 0) throw new TaskInputError(`${where}: row 1 is empty`);
  rows.forEach((row, r) => {
    if (row.length !== cols) throw new TaskInputError(`${where}: row ${r + 1} has ${row.length} cells but row 1 has ${cols}; grids are rectangular`);
  });
  if (rows.length > ARC_CANVAS || cols > ARC_CANVAS)
    throw new TaskInputError(`${where}: grid is ${rows.length}×${cols}; ARC grids are at most 30×30`);
  rows.forEach((row, r) =>
    row.forEach((v, c) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 9)
        throw new TaskInputError(`${where}: row ${r + 1}, column ${c + 1} is ${describe(v)}; colours are integers 0..9`);
    }),
  );
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}… (${text.length} characters)` : text;
}

/**
 * The official builder's `np_grid_to_seq_translational_augment`: colour+2 placed at (rowOffset, colOffset)
 * (0, 0 for test inputs), EOS on the row just below the grid (over its columns) and on the column just right
 * of it (over its rows) where those lie inside the canvas, the corner left PAD, PAD everywhere else.
 */
export function encodeArcGrid(
  grid: ArcGrid,
  { canvas = ARC_CANVAS, rowOffset = 0, colOffset = 0 }: { canvas?: number; rowOffset?: number; colOffset?: number } = {},
): Int32Array {
  assertArcGrid(grid);
  const rows = grid.length;
  const cols = grid[0].length;
  if (rowOffset < 0 || colOffset < 0 || rowOffset + rows > canvas || colOffset + cols > canvas)
    throw new TaskInputError(`ARC grid ${rows}×${cols} at offset (${rowOffset}, ${colOffset}) does not fit the ${canvas}×${canvas} canvas`);
  const tokens = new Int32Array(canvas * canvas).fill(PAD);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) tokens[(rowOffset + r) * canvas + colOffset + c] = grid[r][c] + COLOUR_OFFSET;
  const eosRow = rowOffset + rows;
  const eosCol = colOffset + cols;
  if (eosRow < canvas) for (let c = colOffset; c < eosCol; c++) tokens[eosRow * canvas + c] = EOS;
  if (eosCol < canvas) for (let r = rowOffset; r < eosRow; r++) tokens[r * canvas + eosCol] = EOS;
  return tokens;
}

/**
 * The official decoder (`evaluators/arc.py:_crop`): from the top-left, the largest-area rectangle whose cells
 * are all colour tokens (2..11), minus 2. Row by row the usable width shrinks to the first non-colour token;
 * ties keep the earlier (shorter) rectangle. Returns [] when the top-left cell is not a colour.
 */
export function decodeArcGrid(tokens: ArrayLike<number>): ArcGrid {
  const canvas = arcCanvasOf(tokens.length);
  if (canvas === null)
    throw new TaskInputError(`ARC needs a square canvas of tokens (900 for 30×30), got ${tokens.length}`);
  let maxArea = 0;
  let bestRows = 0;
  let bestCols = 0;
  let width = canvas;
  for (let rows = 1; rows <= canvas; rows++) {
    for (let c = 0; c < width; c++) {
      const t = tokens[(rows - 1) * canvas + c];
      if (t < 2 || t > 11) {
        width = c;
        break;
      }
    }
    if (rows * width > maxArea) {
      maxArea = rows * width;
      bestRows = rows;
      bestCols = width;
    }
  }
  const grid: ArcGrid = [];
  for (let r = 0; r < bestRows; r++)
    grid.push(Array.from({ length: bestCols }, (_, c) => tokens[r * canvas + c] - COLOUR_OFFSET));
  return grid;
}

/** Same size and the same colour in every cell (the official exact-match criterion). */
export function arcExactMatch(a: ArcGrid, b: ArcGrid): boolean {
  return a.length === b.length && a.every((row, r) => row.length === b[r].length && row.every((v, c) => v === b[r][c]));
}

function parseJson(json: unknown, what: string): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json);
  } catch (e) {
    throw new TaskInputError(`${what} is not valid JSON: ${boundedMessage(e)}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One task in Kaggle format, `{train: [{input, output}], test: [{input, output?}]}`, as text or parsed JSON. */
export function parseArcTask(json: unknown, name = 'ARC task'): ArcTask {
  const task = parseJson(json, name);
  if (!isRecord(task)) throw new TaskInputError(`${name}: expected an object with "train" and "test", got ${describe(task)}`);
  const pairs = (split: 'train' | 'test'): unknown[] => {
    const list = Object.hasOwn(task, split) ? task[split] : undefined;
    if (!Array.isArray(list)) throw new TaskInputError(`${name}: "${split}" must be a list of pairs, got ${describe(list)}`);
    return list;
  };
  const grid = (pair: unknown, where: string, key: 'input' | 'output'): ArcGrid => {
    if (!isRecord(pair)) throw new TaskInputError(`${where}: expected an object with "input"/"output", got ${describe(pair)}`);
    if (!Object.hasOwn(pair, key)) throw new TaskInputError(`${where}: missing "${key}"`);
    const g = pair[key] as unknown;
    assertArcGrid(g, `${where} ${key}`);
    return g;
  };
  const train = pairs('train').map((p, i) => {
    const where = `${name}, train pair ${i + 1}`;
    return { input: grid(p, where, 'input'), output: grid(p, where, 'output') };
  });
  const test = pairs('test').map((p, i) => {
    const where = `${name}, test pair ${i + 1}`;
    const input = grid(p, where, 'input');
    return isRecord(p) && Object.hasOwn(p, 'output') && p.output !== undefined ? { input, output: grid(p, where, 'output') } : { input };
  });
  if (train.length === 0) throw new TaskInputError(`${name}: no train pairs; the model needs at least one demonstration`);
  if (test.length === 0) throw new TaskInputError(`${name}: no test pairs`);
  return { train, test };
}

/** A Kaggle challenges file: task id → task. Errors name the task id. */
export function parseArcChallenges(json: unknown): Record<string, ArcTask> {
  const all = parseJson(json, 'ARC challenges file');
  if (!isRecord(all)) throw new TaskInputError(`ARC challenges file: expected an object of task id → task, got ${describe(all)}`);
  const tasks: Record<string, ArcTask> = {};
  for (const [id, task] of Object.entries(all)) tasks[id] = parseArcTask(task, `ARC task ${id}`);
  return tasks;
}

/** A Kaggle solutions file: task id → the output grid of each test pair. */
export function parseArcSolutions(json: unknown): Record<string, ArcGrid[]> {
  const all = parseJson(json, 'ARC solutions file');
  if (!isRecord(all)) throw new TaskInputError(`ARC solutions file: expected an object of task id → list of grids, got ${describe(all)}`);
  const solutions: Record<string, ArcGrid[]> = {};
  for (const [id, grids] of Object.entries(all)) {
    if (!Array.isArray(grids)) throw new TaskInputError(`ARC solutions for ${id}: expected a list of grids, got ${describe(grids)}`);
    grids.forEach((g, i) => assertArcGrid(g, `ARC solutions for ${id}, test pair ${i + 1}`));
    solutions[id] = grids as ArcGrid[];
  }
  return solutions;
}
