// `npm run solve -- --model <file> --task sudoku|maze|arc --puzzle <text or file> [--backend webgpu|wasm|cpu]
//   [--threads N] [--steps 16] [--json] [--yaml all_config.yaml] [--puzzle-id N|name] [--early-halt] [--views N]`
// Loads our safetensors (or an official `step_N` through the torch reader), encodes the puzzle with the task
// codec, runs the TRM (WebGPU through Dawn in Node, the CPU engine in WebAssembly on --threads threads, default the
// machine's cores, or the TypeScript CPU reference) and prints each supervision step's
// answer and q_halt, then whether the final answer obeys the rules. --json prints the whole trace instead.
// `--csv <file> [--limit N] [--batch 16]` (Sudoku) solves a whole CSV in batches and prints the accuracy the
// way training/evaluate.py does, on the same rows. `--views N` (Sudoku) solves N test-time views of each puzzle
// side by side and answers with the first that obeys the rules (src/core/tasks/sudoku-views.ts), as the app does;
// for ARC it solves N augmented copies of the task (`--puzzle-id <task name>`) and answers by their vote.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { readFile, stat } from 'node:fs/promises';
import path, { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModelBundle } from '../src/core/bundle';
import type { TaskKind } from '../src/core/config';
import { CpuEngine } from '../src/core/reference';
import {
  arcCanvasOf, assertFitsCanvas, checkMazePath, checkSudoku, decodeArcGrid, decodeMaze, decodeSudoku, encodeArcGrid, encodeMaze, encodeSudoku,
  formatMaze, formatSudokuPretty, mazeForModel, parseMaze, parseSudoku, parseSudokuCsv, assertArcGrid, sudokuViews,
} from '../src/core/tasks';
import { assertFiniteStep, mergeTraceSteps, type StepTrace, type Trace, type TrmEngine, type ViewsOfStep } from '../src/core/trace';
import { makeTries, triesWanted } from '../src/worker/tries';
import { loadAppModel } from '../src/core/weights/app-format';
import { loadOfficialBundle, MAX_CONFIG_YAML_CHARS } from '../src/core/weights/torch';
import { openFileSource } from '../src/core/weights/torch/node-source';
import { createWasmEngine } from '../src/wasm/engine';
import { spawnNodeThread } from '../src/wasm/threads-node';
import { evaluateSudokuRows, readCsvText, reportJson, reportText, sampleRows } from './lib/solve-csv';

const USAGE = 'usage: npm run solve -- --model <file> --task sudoku|maze|arc (--puzzle <text or file> | --csv <sudoku.csv> [--limit N] [--batch 16]) [--backend webgpu|wasm|cpu] [--threads N] [--steps 16] [--json] [--yaml all_config.yaml] [--puzzle-id N|name] [--early-halt] [--views N]';

interface Codec {
  /** The model's input; `seqLen` is the model's (a maze or ARC model's canvas side is its square root). */
  encode(seqLen: number): Int32Array;
  show(preds: Int32Array): string;
  verdict(preds: Int32Array): string;
}

function codecFor(task: TaskKind, puzzleText: string): Codec {
  if (task === 'sudoku') {
    const puzzle = parseSudoku(puzzleText);
    return {
      encode: () => encodeSudoku(puzzle),
      show: (p) => formatSudokuPretty(decodeSudoku(p)),
      verdict: (p) => {
        const c = checkSudoku(puzzle, decodeSudoku(p));
        return c.solved ? 'solved: complete, no conflicts, givens kept' : `not solved: ${c.complete ? 'complete' : 'has blanks'}, ${c.conflicts.length} conflicting cells, givens ${c.keepsGivens ? 'kept' : 'changed'}`;
      },
    };
  }
  if (task === 'maze') {
    const maze = parseMaze(puzzleText);
    let onCanvas = maze; // as the model reads it: padded or cropped to its canvas by encode
    return {
      encode: (seqLen) => encodeMaze((onCanvas = mazeForModel(maze, seqLen))),
      show: (p) => formatMaze(decodeMaze(p)),
      verdict: (p) => {
        const c = checkMazePath(onCanvas, decodeMaze(p));
        return c.valid ? `valid path of ${c.length} cells${c.optimal ? ' (shortest)' : ''}` : `not a valid path: ${c.problems.join('; ')}`;
      },
    };
  }
  let grid: unknown;
  try {
    grid = JSON.parse(puzzleText);
  } catch (e) {
    throw new Error(`--puzzle for arc must be a JSON grid of colours 0-9, e.g. [[0,1],[1,0]] (${(e as Error).message})`);
  }
  assertArcGrid(grid, 'ARC input grid');
  return {
    encode: (seqLen) => {
      const canvas = arcCanvasOf(seqLen);
      if (canvas === null) throw new Error(`the model reads ${seqLen} cells, not a square ARC canvas`);
      assertFitsCanvas(grid, canvas, 'ARC input grid');
      return encodeArcGrid(grid, { canvas });
    },
    show: (p) => decodeArcGrid(p).map((r) => r.join('')).join('\n'),
    verdict: () => 'ARC has no rule check: compare with the expected output grid',
  };
}

const MAX_CONFIG_BYTES = MAX_CONFIG_YAML_CHARS * 4; // UTF-8: at most 4 bytes a character

/** A file that must be small, refused by its size before it is read. */
async function readSmallText(file: string, maxBytes: number, what: string): Promise<string> {
  const { size } = await stat(file);
  if (size > maxBytes) throw new Error(`${what} ${file} is ${size} bytes; at most ${maxBytes} are read (is it the right file?)`);
  return readFile(file, 'utf8');
}

async function loadModel(file: string, task: TaskKind, yamlFile: string | undefined, requested: string): Promise<{ bundle: ModelBundle; puzzleId: number }> {
  const row = /^[0-9]+$/.test(requested) ? Number(requested) : null;
  // Read by range, as the page does: an official step_N can be larger than one Node buffer (2 GiB).
  const source = await openFileSource(file);
  try {
    const head = await source.read(0, Math.min(2, source.size));
    if (head[0] === 0x50 && head[1] === 0x4b) {
      // A zip: an official `step_N` torch checkpoint. Keep only the puzzle-embedding row we need (ARC tables are GBs).
      if (row === null) throw new Error(`an official checkpoint names no puzzles: give --puzzle-id as a row number, not "${requested}"`);
      const besideIt = path.join(path.dirname(file), 'all_config.yaml');
      const yamlPath = yamlFile ?? (existsSync(besideIt) ? besideIt : undefined);
      const yaml = yamlPath ? await readSmallText(yamlPath, MAX_CONFIG_BYTES, '--yaml') : null;
      if (!yamlFile && yamlPath) console.error(`note: config from ${yamlPath} (the official layout: all_config.yaml beside step_N)`);
      const bundle = await loadOfficialBundle(source, { yaml, task, rows: [row] });
      if (bundle.needsConfirmation) console.error(`note: no all_config.yaml given; assumed ${bundle.assumed.join(', ')} (pass --yaml to be exact)`);
      return { bundle, puzzleId: 0 };
    }
    const bundle = await loadAppModel(await source.read(0, source.size));
    // A task name wins over a row number: ARC ids such as 00576224 are digits too.
    const named = bundle.puzzleNames?.indexOf(requested) ?? -1;
    if (named >= 0) return { bundle, puzzleId: named };
    if (row !== null) return { bundle, puzzleId: row };
    const known = (bundle.puzzleNames ?? []).filter((n) => n && !n.includes('|||') && n !== '<blank>');
    throw new Error(`the model has no puzzle named "${requested}"${known.length ? ` (it knows ${known.join(', ')})` : ' (it stores no puzzle names)'}`);
  } finally {
    await source.close();
  }
}

// Dawn's instance must outlive the device (a collected instance aborts pending pipeline compiles).
let dawn: GPU | undefined;

const BACKENDS = ['webgpu', 'wasm', 'cpu'];

async function makeEngine(backend: string, bundle: ModelBundle, batch = 1, threads = availableParallelism()): Promise<{ engine: TrmEngine; device?: GPUDevice; label: string }> {
  if (backend === 'cpu') return { engine: new CpuEngine(bundle), label: 'CPU reference' };
  if (backend === 'wasm') {
    const engine = await createWasmEngine(bundle, { threads, spawn: spawnNodeThread });
    return { engine, label: `CPU (WebAssembly, ${engine.facts.threads} thread${engine.facts.threads > 1 ? 's' : ''})` };
  }
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  dawn = create([]) as unknown as GPU;
  const { requestTrmDevice, WebGpuEngine } = await import('../src/gpu');
  const { loadShaderSources } = await import('../src/gpu/shaders-node');
  const { device, adapterInfo } = await requestTrmDevice(dawn);
  const engine = await WebGpuEngine.create(device, bundle, { batch, shaders: loadShaderSources() });
  return { engine, device, label: `WebGPU (${adapterInfo})` };
}

function traceJson(t: Trace): unknown {
  return JSON.parse(JSON.stringify(t, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' }, task: { type: 'string' }, puzzle: { type: 'string' }, backend: { type: 'string', default: 'webgpu' },
      steps: { type: 'string' }, json: { type: 'boolean', default: false }, yaml: { type: 'string' }, 'puzzle-id': { type: 'string', default: '0' },
      'early-halt': { type: 'boolean', default: false }, csv: { type: 'string' }, limit: { type: 'string', default: '0' },
      batch: { type: 'string', default: '16' }, views: { type: 'string', default: '1' }, threads: { type: 'string' },
    },
  });
  const task = values.task as TaskKind;
  if (values.csv) return solveCsv(values as CsvArgs);
  if (!values.model || !values.puzzle || !['sudoku', 'maze', 'arc'].includes(task) || !BACKENDS.includes(values.backend!) || !threadsOk(values.threads)) {
    console.error(USAGE);
    process.exit(2);
  }
  const requestedId = puzzleIdArg(values['puzzle-id']);
  const puzzleText = existsSync(values.puzzle) ? readFileSync(values.puzzle, 'utf8') : values.puzzle;
  const codec = codecFor(task, puzzleText);
  const { bundle, puzzleId } = await loadModel(values.model, task, values.yaml, requestedId);
  if (bundle.config.task !== task) console.error(`note: the model was trained for ${bundle.config.task}; solving as ${task}`);
  const tokens = codec.encode(bundle.config.seq_len);
  const wanted = viewsArg(values.views, task);
  const tries = makeTries(bundle, tokens, Int32Array.of(puzzleId), triesWanted(bundle, puzzleId, wanted, 'webgpu'));
  const V = tries.count;
  if (V < wanted) console.error(`note: the model has ${V} ${V === 1 ? 'copy' : 'copies'} of this ARC task; voting with ${V}`);
  const { engine, device, label } = await makeEngine(values.backend!, bundle, V, threadsArg(values.threads));
  const steps = values.steps ? Number(values.steps) : bundle.config.halt_max_steps;
  const t0 = performance.now();
  const describeTries = (v: ViewsOfStep) =>
    task === 'arc' ? `  ${v.valid[0]} of ${V} copies vote for it, showing copy ${v.shown[0]}` : `  ${v.valid[0]} of ${V} views obey the rules, showing view ${v.shown[0]}`;
  const onStep = (raw: StepTrace) => {
    assertFiniteStep(raw);
    if (values.json) return;
    const s = tries.merge(raw);
    console.log(`\nstep ${s.step}  q_halt ${s.qHalt[0].toFixed(3)} (${s.qHalt[0] > 0 ? 'would halt' : 'continue'})${s.views ? describeTries(s.views) : ''}  ${(performance.now() - t0).toFixed(0)} ms`);
    console.log(codec.show(s.preds));
  };
  if (!values.json) console.log(`${label}: ${values.model}, ${task}, ${steps} steps${V > 1 ? `, ${V} ${task === 'arc' ? 'voting copies' : 'views'}` : ''}`);
  try {
    // Early halting stops when every row says halt: with views that is every view, as rows run together.
    const raw = await engine.solve(tries.input, { steps, onStep, earlyHalt: values['early-halt'], recordLogits: values.json });
    const trace = V > 1 ? mergeTraceSteps(raw, 1, (s) => tries.merge(s)) : raw;
    const last = trace.steps[trace.steps.length - 1];
    if (values.json) console.log(JSON.stringify(traceJson(trace)));
    else if (last) console.log(`\nfinal answer after step ${last.step}: ${codec.verdict(last.preds)}; halting head first said halt at step ${trace.haltStep[0] || 'never'}`);
  } finally {
    engine.dispose();
    device?.destroy();
  }
}

/** --views as a count of tries (Sudoku views, ARC voting copies; 1 for mazes); exits with the usage on anything else. */
function viewsArg(text: string | undefined, task: TaskKind): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || (n > 1 && task === 'maze')) {
    console.error(`--views takes a positive integer, and more than 1 only for Sudoku (views) and ARC (voting copies) (got ${text} for ${task})\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

/** --puzzle-id: a row of the puzzle-embedding table, or (ARC) a task name the model stores; exits with the usage on anything else. */
function puzzleIdArg(text: string | undefined): string {
  if (!text || !/^[A-Za-z0-9_-]+$/.test(text)) {
    console.error(`--puzzle-id must be a row of the puzzle-embedding table (a non-negative integer) or an ARC task name the model knows (got ${text})\n${USAGE}`);
    process.exit(2);
  }
  return text;
}

interface CsvArgs {
  model?: string; task?: string; csv: string; backend: string; steps?: string; json: boolean; yaml?: string;
  'puzzle-id': string; limit: string; batch: string; views: string; threads?: string;
}

/** --threads: a positive integer (the wasm engine's threads; default: the machine's cores). */
function threadsOk(v: string | undefined): boolean {
  return v === undefined || (Number.isInteger(Number(v)) && Number(v) >= 1);
}

function threadsArg(v: string | undefined): number {
  return v === undefined ? availableParallelism() : Number(v);
}

async function solveCsv(a: CsvArgs): Promise<void> {
  const limit = Number(a.limit);
  const batchWanted = Number(a.batch);
  if (!a.model || a.task !== 'sudoku' || !BACKENDS.includes(a.backend) || !threadsOk(a.threads) || !(Number.isInteger(limit) && limit >= 0) || !(Number.isInteger(batchWanted) && batchWanted >= 1)) {
    console.error(`--csv needs --model, --task sudoku, --limit ≥ 0 and --batch ≥ 1, --threads ≥ 1 (integers)\n${USAGE}`);
    process.exit(2);
  }
  const views = sudokuViews(viewsArg(a.views, 'sudoku'));
  const rows = sampleRows(parseSudokuCsv(await readCsvText(a.csv), a.csv), limit);
  if (rows.length === 0) throw new Error(`${a.csv} has no puzzle rows`);
  const { bundle, puzzleId } = await loadModel(a.model, 'sudoku', a.yaml, puzzleIdArg(a['puzzle-id']));
  const batch = Math.min(batchWanted, rows.length);
  const { engine, device, label } = await makeEngine(a.backend, bundle, batch * views.length, threadsArg(a.threads));
  const steps = a.steps ? Number(a.steps) : bundle.config.halt_max_steps;
  const t0 = performance.now();
  try {
    const report = await evaluateSudokuRows(engine, batch, rows, puzzleId, steps, views, (done, total) => {
      if (!a.json) process.stderr.write(`\r${label}: ${done}/${total} puzzles`);
    });
    const name = basename(a.csv);
    if (a.json) console.log(JSON.stringify({ model: a.model, backend: label, limit, views: views.length, results: { [name]: reportJson(report) } }));
    else console.log(`\n${reportText(name, report, (performance.now() - t0) / 1000)}`);
  } finally {
    engine.dispose();
    device?.destroy();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exit(1);
});
