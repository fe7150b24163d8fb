// Official checkpoint (`step_N`) → the app's safetensors format.
//
//   npm run convert -- <step_N> [--config all_config.yaml] [--task sudoku|maze|arc]
//                      [--rows 1,5,9 | --task-names names.txt --identifiers identifiers.json]
//                      [--seq-len N] [--L-cycles n] [--H-cycles T] [--num-heads h] [--accept-presets]
//                      [--dtype F32|F16|BF16] [--card card.json] -o model.safetensors
//
// The checkpoint is read lazily: only the network weights and the chosen puzzle-embedding rows are read, so a
// 2.5 GB ARC checkpoint converts in seconds. all_config.yaml is taken from beside the checkpoint when --config is
// not given; without it, L_cycles/H_cycles/num_heads must be given or the published presets accepted.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { TaskKind, TrmConfig } from '../src/core/config';
import { saveAppModel } from '../src/core/weights/app-format';
import { loadOfficialBundle, readTorchCheckpoint } from '../src/core/weights/torch';
import { openFileSource } from '../src/core/weights/torch/node-source';

const USAGE = `usage: npm run convert -- <step_N> -o model.safetensors [options]
  --config FILE          all_config.yaml of the run (default: all_config.yaml beside the checkpoint)
  --task T               sudoku | maze | arc (default: from the config's data path, else the vocabulary)
  --rows 1,5,9           puzzle-embedding rows (ids) to keep; they become rows 0..k-1
  --task-names FILE      keep the rows of these puzzles (one name per line; a bare task id selects all its
                         augmentations); needs --identifiers
  --identifiers FILE     identifiers.json of the dataset (names by id); stored as puzzle_names
  --seq-len N            cells per puzzle (attention models do not reveal it; default 81 sudoku, 900 maze/arc)
  --L-cycles n, --H-cycles T, --num-heads h   recursion settings when there is no all_config.yaml
  --accept-presets       without all_config.yaml, accept the published presets (sudoku n=6, maze/arc n=4, T=3)
  --dtype F32|F16|BF16   stored precision (default F32)
  --card FILE            model card JSON to embed`;

export class UsageError extends Error {}

function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`${flag} must be a positive integer (got "${v}")`);
  return Number(v);
}

async function readJson(file: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
}

/** Rows whose identifier is one of `names`, or whose task part (before "|||") is. */
export function rowsForNames(identifiers: string[], names: string[]): number[] {
  const wanted = new Set(names);
  const rows: number[] = [];
  const found = new Set<string>();
  identifiers.forEach((id, row) => {
    const base = id.split('|||')[0];
    if (wanted.has(id) || wanted.has(base)) {
      rows.push(row);
      found.add(wanted.has(id) ? id : base);
    }
  });
  const missing = names.filter((n) => !found.has(n));
  if (missing.length) throw new UsageError(`not in identifiers.json: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`);
  return rows;
}

function parseCli(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        config: { type: 'string' },
        task: { type: 'string' },
        rows: { type: 'string' },
        'task-names': { type: 'string' },
        identifiers: { type: 'string' },
        'seq-len': { type: 'string' },
        'L-cycles': { type: 'string' },
        'H-cycles': { type: 'string' },
        'num-heads': { type: 'string' },
        'accept-presets': { type: 'boolean' },
        dtype: { type: 'string' },
        card: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export async function runConvert(argv: string[], log: (s: string) => void = console.log): Promise<void> {
  const { values, positionals } = parseCli(argv);
  if (values.help) {
    log(USAGE);
    return;
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one checkpoint file (step_N)');
  if (!values.output) throw new UsageError('give the output file with -o model.safetensors');
  const input = positionals[0];
  const task = values.task as TaskKind | undefined;
  if (task !== undefined && !['sudoku', 'maze', 'arc'].includes(task)) throw new UsageError(`--task must be sudoku, maze or arc (got "${task}")`);
  const dtype = (values.dtype ?? 'F32').toUpperCase();
  if (!['F32', 'F16', 'BF16'].includes(dtype)) throw new UsageError(`--dtype must be F32, F16 or BF16 (got "${values.dtype}")`);
  if (values.rows && values['task-names']) throw new UsageError('use either --rows or --task-names, not both');
  if (values['task-names'] && !values.identifiers) throw new UsageError('--task-names needs --identifiers identifiers.json to map names to rows');

  let configPath = values.config;
  const beside = path.join(path.dirname(input), 'all_config.yaml');
  if (!configPath && existsSync(beside)) {
    configPath = beside;
    log(`using ${beside}`);
  }
  const yaml = configPath ? await readFile(configPath, 'utf8').catch((e: Error) => { throw new UsageError(`cannot read --config ${configPath}: ${e.message}`); }) : null;

  let identifiers: string[] | undefined;
  if (values.identifiers) {
    const ids = await readJson(values.identifiers, '--identifiers');
    if (!Array.isArray(ids) || !ids.every((s) => typeof s === 'string')) throw new UsageError(`${values.identifiers} must be a JSON list of names (the official identifiers.json)`);
    identifiers = ids;
  }
  let rows: number[] | undefined;
  if (values.rows) {
    rows = values.rows.split(',').map((s) => {
      if (!/^\s*\d+\s*$/.test(s)) throw new UsageError(`--rows must be comma-separated ids like 1,5,9 (got "${values.rows}")`);
      return Number(s);
    });
  } else if (values['task-names']) {
    const names = (await readFile(values['task-names'], 'utf8')).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    if (!names.length) throw new UsageError(`${values['task-names']} lists no names`);
    rows = rowsForNames(identifiers!, names);
    log(`${names.length} names select ${rows.length} puzzle rows`);
  }

  const overrides: Partial<TrmConfig> = {};
  const setInt = (key: 'seq_len' | 'L_cycles' | 'H_cycles' | 'num_heads', flag: string) => {
    const v = positiveInt(values[flag as 'seq-len'], `--${flag}`);
    if (v !== undefined) overrides[key] = v;
  };
  setInt('seq_len', 'seq-len');
  setInt('L_cycles', 'L-cycles');
  setInt('H_cycles', 'H-cycles');
  setInt('num_heads', 'num-heads');

  const source = await openFileSource(input);
  try {
    const ckpt = await readTorchCheckpoint(source);
    const bundle = await loadOfficialBundle(ckpt, { yaml, rows, task, identifiers, overrides });
    if (bundle.needsConfirmation && !values['accept-presets'])
      throw new UsageError(
        `no all_config.yaml, so these settings are guesses:\n  ${bundle.assumed.join('\n  ')}\n` +
          'Give --config all_config.yaml (written next to the checkpoint by the official trainer), or set them with ' +
          '--L-cycles/--H-cycles/--num-heads/--task, or pass --accept-presets. A wrong L_cycles silently ruins accuracy.',
      );
    let card;
    if (values.card) card = await readJson(values.card, '--card');
    const bytes = saveAppModel(bundle, { dtype: dtype as 'F32' | 'F16' | 'BF16', card: card as Record<string, unknown> | undefined });
    const tmp = `${values.output}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, values.output);
    const c = bundle.config;
    log(
      `${input} (${ckpt.prefix}*, ${source.size} bytes, ${ckpt.bytesRead} read) → ${values.output} (${bytes.length} bytes, ${dtype})\n` +
        `  ${c.task} ${c.mlp_t ? 'mlp_t' : 'attention'} hidden ${c.hidden_size}, heads ${c.num_heads}, L_layers ${c.L_layers}, ` +
        `n=L_cycles ${c.L_cycles}, T=H_cycles ${c.H_cycles}, seq ${c.seq_len}, vocab ${c.vocab_size}, puzzle rows ${c.num_puzzle_identifiers}`,
    );
  } finally {
    await source.close();
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  runConvert(process.argv.slice(2)).catch((e: Error) => {
    console.error(`convert: ${e.message}`);
    if (e instanceof UsageError) console.error(`\n${USAGE}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}
