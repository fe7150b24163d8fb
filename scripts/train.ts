// `npm run train -- --task sudoku --data <puzzles.csv | official-format dataset dir> --init models/x.safetensors
//   [--backend cpu] [--steps N | --minutes M] [--batch 32] [--lr 1e-4] ... -o out.safetensors [--log log.csv]`
// Trains an app model with our own trainer (src/core/reference/cpu-trainer.ts: the official recipe on the
// TypeScript CPU reference), from the weights of an app safetensors. Flags mean what training/train.py's do where
// they overlap; the output is an app safetensors that training/train.py --init-from and training/evaluate.py read,
// so a run moves between the two trainers. The WebGPU trainer is not built yet: --backend webgpu says so.
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { TaskKind } from '../src/core/config';
import { CpuTrmTrainer, type TrainerOptions } from '../src/core/reference/cpu-trainer';
import { IGNORE_LABEL, type TrainBatch } from '../src/core/reference/train-step';
import { seededRandom } from '../src/core/random';
import { encodeSudoku, parseSudokuCsv } from '../src/core/tasks';
import { loadAppModel, saveAppModel } from '../src/core/weights/app-format';
import { readNpy } from './lib/npy';

const USAGE =
  'usage: npm run train -- --task sudoku|maze|arc --data <Sudoku CSV | official-format dataset dir> --init <app .safetensors> ' +
  '[--backend cpu] [--steps N | --minutes M] [--batch 32] [--lr 1e-4] [--lr-warmup-steps 0] [--lr-min-ratio 1] [--weight-decay 0.1] ' +
  '[--puzzle-emb-lr 1e-2] [--puzzle-emb-weight-decay 0.1] [--ema-rate 0.999] [--exploration 0.1] [--seed 0] [--weights ema|raw] [--log log.csv] -o out.safetensors';

class UsageError extends Error {}

interface Examples {
  tokens: Int32Array; // [N·seq_len]
  labels: Int32Array; // [N·seq_len], IGNORE_LABEL where not scored
  puzzleIds: Int32Array; // [N]
  count: number;
}

/** Sudoku CSV (question,answer or puzzle,solution): every row one example of puzzle id 0. */
function csvExamples(file: string): Examples {
  const rows = parseSudokuCsv(readFileSync(file, 'utf8'), file);
  const tokens = new Int32Array(rows.length * 81);
  const labels = new Int32Array(rows.length * 81);
  rows.forEach((r, i) => {
    tokens.set(encodeSudoku(r.puzzle), i * 81);
    labels.set(encodeSudoku(r.solution), i * 81);
  });
  return { tokens, labels, puzzleIds: new Int32Array(rows.length), count: rows.length };
}

/** An official-format split (training/data/official_format.py): labels equal to its ignore_label_id are not scored. */
async function datasetExamples(dir: string, split: string): Promise<Examples> {
  const root = path.join(dir, split);
  const meta = JSON.parse(await readFile(path.join(root, 'dataset.json'), 'utf8')) as { seq_len: number; ignore_label_id?: number | null };
  const read = async (name: string) => readNpy(await readFile(path.join(root, `all__${name}.npy`)), `${split}/all__${name}.npy`);
  const [inputs, labels, ids, puzzleIndices] = await Promise.all([read('inputs'), read('labels'), read('puzzle_identifiers'), read('puzzle_indices')]);
  const count = inputs.shape[0];
  if (inputs.shape[1] !== meta.seq_len || labels.shape[0] !== count) throw new UsageError(`${root}: inputs and labels do not hold ${meta.seq_len}-cell examples alike`);
  const puzzleIds = new Int32Array(count);
  for (let p = 0; p + 1 < puzzleIndices.data.length; p++)
    for (let i = puzzleIndices.data[p]; i < puzzleIndices.data[p + 1]; i++) puzzleIds[i] = ids.data[p];
  const ignore = meta.ignore_label_id ?? null;
  const lab = Int32Array.from(labels.data, (v) => (ignore !== null && v === ignore ? IGNORE_LABEL : v));
  return { tokens: Int32Array.from(inputs.data), labels: lab, puzzleIds, count };
}

function num(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new UsageError(`--${name} must be a number (got ${v})`);
  return x;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      task: { type: 'string' }, data: { type: 'string' }, split: { type: 'string', default: 'train' }, init: { type: 'string' },
      backend: { type: 'string', default: 'cpu' }, steps: { type: 'string' }, minutes: { type: 'string' }, batch: { type: 'string' },
      lr: { type: 'string' }, 'lr-warmup-steps': { type: 'string' }, 'lr-min-ratio': { type: 'string' }, 'weight-decay': { type: 'string' },
      'puzzle-emb-lr': { type: 'string' }, 'puzzle-emb-weight-decay': { type: 'string' }, 'ema-rate': { type: 'string' },
      exploration: { type: 'string' }, seed: { type: 'string' }, weights: { type: 'string', default: 'ema' }, log: { type: 'string' },
      output: { type: 'string', short: 'o' }, 'print-every-s': { type: 'string' },
    },
  });
  if (!values.task || !['sudoku', 'maze', 'arc'].includes(values.task) || !values.data || !values.init || !values.output)
    throw new UsageError('--task, --data, --init and -o are needed');
  if (values.backend === 'webgpu')
    throw new UsageError('--backend webgpu: the WebGPU trainer (backward kernels in WGSL) is not built yet; --backend cpu trains on the CPU reference');
  if (values.backend !== 'cpu') throw new UsageError(`--backend ${values.backend}: cpu is the one trainer so far`);
  if (!values.steps && !values.minutes) throw new UsageError('give --steps N or --minutes M');
  if (!['ema', 'raw'].includes(values.weights!)) throw new UsageError('--weights is ema or raw');

  const bundle = await loadAppModel(new Uint8Array(await readFile(values.init)));
  const task = values.task as TaskKind;
  if (bundle.config.task !== task) throw new UsageError(`${values.init} is a ${bundle.config.task} model, not ${task}`);
  if (!existsSync(values.data)) throw new UsageError(`${values.data} does not exist`);
  const data = statSync(values.data).isDirectory() ? await datasetExamples(values.data, values.split!) : task === 'sudoku' ? csvExamples(values.data) : null;
  if (!data) throw new UsageError(`--data for ${task} is an official-format dataset folder (training/data/build_${task}.py)`);
  if (data.count === 0) throw new UsageError(`${values.data} holds no examples`);
  const L = bundle.config.seq_len;
  if (data.tokens.length !== data.count * L) throw new UsageError(`the examples have ${data.tokens.length / data.count} cells; the model reads ${L}`);

  const steps = values.steps ? num(values.steps, 'steps', 0) : Infinity;
  const minutes = values.minutes ? num(values.minutes, 'minutes', 0) : Infinity;
  const batchSize = num(values.batch, 'batch', 32);
  const random = seededRandom(num(values.seed, 'seed', 0));
  const options: TrainerOptions = {
    lr: num(values.lr, 'lr', 1e-4),
    weightDecay: num(values['weight-decay'], 'weight-decay', 0.1),
    puzzleEmbLr: num(values['puzzle-emb-lr'], 'puzzle-emb-lr', 1e-2),
    puzzleEmbWeightDecay: num(values['puzzle-emb-weight-decay'], 'puzzle-emb-weight-decay', 0.1),
    emaRate: num(values['ema-rate'], 'ema-rate', 0.999),
    warmupSteps: num(values['lr-warmup-steps'], 'lr-warmup-steps', 0),
    minRatio: num(values['lr-min-ratio'], 'lr-min-ratio', 1),
    totalSteps: Number.isFinite(steps) ? steps : 1e9,
    explorationProb: num(values.exploration, 'exploration', 0.1),
    random,
  };
  const trainer = new CpuTrmTrainer(bundle, options);
  const log = values.log ? createWriteStream(values.log) : null;
  log?.write('step,examples,elapsed_s,lr,loss,lm_loss,q_halt_loss,exact,halted\n');
  const printEvery = num(values['print-every-s'], 'print-every-s', 10) * 1000;
  const t0 = performance.now();
  let lastPrint = t0;
  const batch: TrainBatch = { tokens: new Int32Array(batchSize * L), labels: new Int32Array(batchSize * L), puzzleIds: new Int32Array(batchSize) };
  console.error(`training ${values.init} (${task}, ${data.count} examples) on the CPU reference: batch ${batchSize}, ` +
    `${Number.isFinite(steps) ? `${steps} steps` : `${minutes} minutes`}, lr ${options.lr}`);
  for (let step = 0; step < steps && performance.now() - t0 < minutes * 60_000; step++) {
    // A fresh example for every row (the trainer keeps a row's example until that row halts).
    for (let b = 0; b < batchSize; b++) {
      const i = Math.floor(random() * data.count);
      batch.tokens.set(data.tokens.subarray(i * L, (i + 1) * L), b * L);
      batch.labels.set(data.labels.subarray(i * L, (i + 1) * L), b * L);
      batch.puzzleIds[b] = data.puzzleIds[i];
    }
    const r = trainer.trainStep(batch);
    if (!Number.isFinite(r.loss)) throw new Error(`the loss is not finite at step ${step + 1} (lr too high?); nothing was written`);
    const elapsed = (performance.now() - t0) / 1000;
    log?.write(`${step + 1},${(step + 1) * batchSize},${elapsed.toFixed(2)},${r.lr},${r.loss / batchSize},${r.lmLoss / batchSize},${r.qHaltLoss / batchSize},${r.exact},${r.halted}\n`);
    if (performance.now() - lastPrint >= printEvery) {
      lastPrint = performance.now();
      console.error(`step ${step + 1} | ${elapsed.toFixed(0)} s | loss ${(r.loss / batchSize).toFixed(4)} | exact ${r.exact}/${batchSize} | ${(((step + 1) * batchSize) / elapsed).toFixed(1)} ex·steps/s`);
    }
  }
  log?.end();
  const out = trainer.snapshot(values.weights as 'ema' | 'raw');
  const command = `npm run train -- ${process.argv.slice(2).join(' ')}`;
  const previous = (bundle.card?.commands as unknown[] | undefined)?.filter((c): c is string => typeof c === 'string') ?? [];
  const card = { ...(bundle.card ?? {}), commands: [...previous, command], trained_steps: trainer.step + (typeof bundle.card?.trained_steps === 'number' ? bundle.card.trained_steps : 0) };
  const bytes = saveAppModel(out, { card });
  const tmp = `${values.output}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, values.output);
  console.error(`wrote ${values.output} after ${trainer.step} steps (${values.weights} weights)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof UsageError ? `${e.message}\n${USAGE}` : `error: ${(e as Error).message}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
