// Official checkpoint → ModelBundle: reads the network weights and only the puzzle-embedding rows asked for.
import { expectedShapes, type TaskKind, type TrmConfig } from '../../config';
import { validateBundle, type ModelBundle, type Tensor } from '../../bundle';
import type { SourceLike } from './byte-source';
import { readTorchCheckpoint, type TorchCheckpoint } from './checkpoint';
import { inferTrmConfig } from './config-infer';
import { CheckpointContentError } from './errors';

/** Above this many rows the puzzle table is never read whole (ARC: 876k rows, 1.8 GB): `rows` must be given. */
export const MAX_WHOLE_PUZZLE_TABLE_ROWS = 4096;

export interface OfficialBundleOptions {
  /** all_config.yaml text; null/absent → presets, and the result's needsConfirmation is true. */
  yaml?: string | null;
  /** Puzzle-embedding rows to keep, by id; they become rows 0..k−1 of the bundle. Default: all (small tables only). */
  rows?: number[];
  task?: TaskKind;
  /** identifiers.json (name of each id); gives the bundle's puzzleNames. */
  identifiers?: string[];
  /** Settings the user confirmed (L_cycles, H_cycles, num_heads, seq_len, ...). */
  overrides?: Partial<TrmConfig>;
}

export interface OfficialBundle extends ModelBundle {
  needsConfirmation: boolean;
  assumed: string[];
  bytesRead: number;
}

function isCheckpoint(s: unknown): s is TorchCheckpoint {
  return !!s && typeof (s as TorchCheckpoint).tensor === 'function' && typeof (s as TorchCheckpoint).rows === 'function';
}

export async function loadOfficialBundle(source: SourceLike | TorchCheckpoint, opts: OfficialBundleOptions = {}): Promise<OfficialBundle> {
  const ckpt = isCheckpoint(source) ? source : await readTorchCheckpoint(source);
  const inferred = inferTrmConfig(ckpt, opts.yaml ?? null, opts.task, opts.overrides);
  const config = { ...inferred.config };
  const tableRows = config.puzzle_emb_ndim > 0 ? ckpt.info('puzzle_emb.weights').shape[0] : 0;

  if (opts.identifiers && opts.identifiers.length !== tableRows)
    throw new CheckpointContentError(
      `identifiers.json lists ${opts.identifiers.length} names but the checkpoint's puzzle table has ${tableRows} rows: they come from different datasets`,
    );
  let rows = opts.rows;
  if (rows) {
    if (!rows.length) throw new CheckpointContentError('rows is empty; give at least one puzzle id (0 is the blank id)');
    const seen = new Set<number>();
    for (const r of rows) {
      if (!Number.isInteger(r) || r < 0 || r >= tableRows) throw new CheckpointContentError(`puzzle id ${r} is out of range: the table has ids 0..${tableRows - 1}`);
      if (seen.has(r)) throw new CheckpointContentError(`puzzle id ${r} is listed twice`);
      seen.add(r);
    }
  } else if (tableRows > MAX_WHOLE_PUZZLE_TABLE_ROWS) {
    throw new CheckpointContentError(
      `the puzzle table has ${tableRows} rows (${((tableRows * config.puzzle_emb_ndim * 4) / 2 ** 30).toFixed(2)} GiB as f32); choose the puzzles to keep (rows / --rows or --task-names)`,
    );
  }

  const tensors: Record<string, Tensor> = {};
  for (const key of Object.keys(expectedShapes({ ...config, num_puzzle_identifiers: tableRows }))) {
    tensors[key] = key === 'puzzle_emb.weights' && rows ? await ckpt.rows(key, rows) : await ckpt.tensor(key);
  }
  if (rows) config.num_puzzle_identifiers = rows.length;
  const bundle: OfficialBundle = {
    config,
    tensors,
    needsConfirmation: inferred.needsConfirmation,
    assumed: inferred.assumed,
    bytesRead: ckpt.bytesRead,
  };
  if (opts.identifiers) bundle.puzzleNames = rows ? rows.map((r) => opts.identifiers![r]) : [...opts.identifiers];
  validateBundle(bundle);
  return bundle;
}
