// Bytes → ModelBundle inside the worker: our safetensors format, or an official `step_N` (torch zip),
// told apart by their first bytes, not by the file name.
import type { ModelBundle } from '../core/bundle';
import { expectedShapes } from '../core/config';
import { loadAppModel } from '../core/weights/app-format';
import { parseCopyName } from '../core/tasks/arc-votes';
import { loadOfficialBundle, MAX_WHOLE_PUZZLE_TABLE_ROWS, readTorchCheckpoint, type TorchCheckpoint } from '../core/weights/torch';
import { modelByteLength, type ConfirmRequest, type ConfirmedShape, type ModelBytes, type ModelInfo, type ModelSource } from './protocol';

/** Thrown when an official checkpoint came without all_config.yaml: the user must confirm n and T. */
export class NeedsConfirmation extends Error {
  constructor(readonly request: ConfirmRequest) {
    super(request.message);
    this.name = 'NeedsConfirmation';
  }
}

/** A zip archive (what torch.save writes) starts with "PK\x03\x04". */
export function looksLikeTorchZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The first `n` bytes of a source, without reading the rest of a Blob. */
async function headBytes(bytes: ModelBytes, n = 4): Promise<Uint8Array> {
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes, 0, Math.min(n, bytes.byteLength));
  return new Uint8Array(await bytes.slice(0, n).arrayBuffer());
}

/** Puzzle ids of the original (un-augmented) tasks: names without "|||", not the blank id. */
export function originalTaskRows(identifiers: readonly string[]): number[] {
  const rows: number[] = [];
  identifiers.forEach((name, id) => {
    if (typeof name === 'string' && name && name !== '<blank>' && !name.includes('|||')) rows.push(id);
  });
  return rows;
}

/**
 * Which puzzle-embedding rows to read: all of a small table, or, above `maxWholeRows`, only the original ARC
 * tasks named in identifiers.json (the whole table of an official ARC run is ~876k rows, 1.8 GB).
 */
export function choosePuzzleRows(ckpt: TorchCheckpoint, name: string, identifiers: readonly string[] | undefined, maxWholeRows = MAX_WHOLE_PUZZLE_TABLE_ROWS): number[] | undefined {
  if (!ckpt.keys.includes('puzzle_emb.weights')) return undefined;
  const tableRows = ckpt.info('puzzle_emb.weights').shape[0];
  if (tableRows <= maxWholeRows) return undefined;
  if (!identifiers)
    throw new Error(
      `${name} has a puzzle-embedding table of ${tableRows.toLocaleString('en-US')} rows, too large to load whole. ` +
        "Drop the dataset's identifiers.json together with the checkpoint (and its all_config.yaml): only the rows of the original tasks are then read.",
    );
  if (identifiers.length !== tableRows)
    throw new Error(
      `identifiers.json lists ${identifiers.length} names but ${name}'s puzzle table has ${tableRows} rows: they come from different datasets.`,
    );
  const rows = originalTaskRows(identifiers);
  if (!rows.length) throw new Error('identifiers.json names no original task (every name contains "|||").');
  return rows;
}

export interface ParseOptions {
  /** Puzzle tables above this many rows need identifiers.json and are read only for the original tasks. */
  maxWholeRows?: number;
}

export async function parseModel(source: ModelSource, confirmed?: ConfirmedShape, opts: ParseOptions = {}): Promise<ModelBundle> {
  if (modelByteLength(source.bytes) === 0) throw new Error(`${source.name} is empty (0 bytes).`);
  if (!looksLikeTorchZip(await headBytes(source.bytes))) {
    if (source.format === 'official' && (source.yaml || source.identifiers))
      throw new Error(
        `${source.name} is not a torch checkpoint (no zip signature); an all_config.yaml or identifiers.json only goes with an official step_N file.`,
      );
    const bytes = source.bytes instanceof ArrayBuffer ? source.bytes : await source.bytes.arrayBuffer();
    return loadAppModel(new Uint8Array(bytes));
  }
  const yaml = source.format === 'official' ? source.yaml : undefined;
  const identifiers = source.format === 'official' ? source.identifiers : undefined;
  // A Blob is read lazily, by byte range: only the zip directory, the network and the chosen rows.
  const ckpt = await readTorchCheckpoint(source.bytes instanceof ArrayBuffer ? new Uint8Array(source.bytes) : source.bytes);
  const rows = choosePuzzleRows(ckpt, source.name, identifiers, opts.maxWholeRows);
  const bundle = await loadOfficialBundle(ckpt, {
    yaml: yaml ?? null,
    rows,
    identifiers,
    task: confirmed?.task,
    overrides: confirmed ? { L_cycles: confirmed.L_cycles, H_cycles: confirmed.H_cycles } : undefined,
  });
  if (bundle.needsConfirmation && !confirmed) {
    const c = bundle.config;
    throw new NeedsConfirmation({
      guess: { task: c.task, L_cycles: c.L_cycles, H_cycles: c.H_cycles },
      message:
        `${source.name} came without all_config.yaml, so these settings are guesses: ${bundle.assumed.join('; ')}. ` +
        'A wrong n (L_cycles) ruins accuracy without any error (ARC-1 drops from about 40% to 4%). Confirm n and T, or add the all_config.yaml of the run.',
    });
  }
  return bundle;
}

export async function describeModel(id: string, source: ModelSource, b: ModelBundle): Promise<ModelInfo> {
  const shapes = expectedShapes(b.config);
  let parameterCount = 0;
  for (const [key, shape] of Object.entries(shapes))
    if (key !== 'puzzle_emb.weights') parameterCount += shape.reduce((a, s) => a * s, 1);
  const embeddingRows = b.config.puzzle_emb_ndim > 0 ? b.config.num_puzzle_identifiers : 0;
  let puzzleRows: Record<string, number> | undefined;
  let puzzleCopies: Record<string, number> | undefined;
  if (b.puzzleNames) {
    puzzleRows = {};
    puzzleCopies = {};
    for (const [row, name] of b.puzzleNames.entries()) {
      if (name && !name.includes('|||') && !Object.hasOwn(puzzleRows, name)) puzzleRows[name] = row;
      const task = name && name !== '<blank>' ? parseCopyName(name)?.task : undefined;
      if (task) puzzleCopies[task] = (Object.hasOwn(puzzleCopies, task) ? puzzleCopies[task] : 0) + 1;
    }
  }
  const card = b.card ?? (source.format === 'official' ? { name: source.name, description: 'Official-format checkpoint (step_N)' } : undefined);
  return {
    id,
    name: (typeof card?.name === 'string' && card.name) || source.name,
    format: looksLikeTorchZip(await headBytes(source.bytes)) ? 'official' : 'app',
    task: b.config.task,
    config: b.config,
    card,
    parameterCount,
    embeddingRows,
    bytes: modelByteLength(source.bytes),
    puzzleRows,
    puzzleCopies,
  };
}
