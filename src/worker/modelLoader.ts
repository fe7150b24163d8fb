// Bytes → ModelBundle inside the worker: our safetensors format, or an official `step_N` (torch zip),
// told apart by their first bytes, not by the file name.
import type { ModelBundle } from '../core/bundle';
import { expectedShapes } from '../core/config';
import { loadAppModel } from '../core/weights/app-format';
import { loadOfficialBundle, readTorchCheckpoint } from '../core/weights/torch';
import type { ConfirmRequest, ConfirmedShape, ModelInfo, ModelSource } from './protocol';

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

export async function parseModel(source: ModelSource, confirmed?: ConfirmedShape): Promise<ModelBundle> {
  const bytes = new Uint8Array(source.bytes);
  if (bytes.length === 0) throw new Error(`${source.name} is empty (0 bytes).`);
  if (!looksLikeTorchZip(bytes)) {
    if (source.format === 'official' && source.yaml)
      throw new Error(`${source.name} is not a torch checkpoint (no zip signature); an all_config.yaml only goes with an official step_N file.`);
    return loadAppModel(bytes);
  }
  const yaml = source.format === 'official' ? source.yaml : undefined;
  const ckpt = await readTorchCheckpoint(bytes);
  const bundle = await loadOfficialBundle(ckpt, {
    yaml: yaml ?? null,
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

export function describeModel(id: string, source: ModelSource, b: ModelBundle): ModelInfo {
  const shapes = expectedShapes(b.config);
  let parameterCount = 0;
  for (const [key, shape] of Object.entries(shapes))
    if (key !== 'puzzle_emb.weights') parameterCount += shape.reduce((a, s) => a * s, 1);
  const embeddingRows = b.config.puzzle_emb_ndim > 0 ? b.config.num_puzzle_identifiers : 0;
  let puzzleRows: Record<string, number> | undefined;
  if (b.puzzleNames) {
    puzzleRows = {};
    b.puzzleNames.forEach((name, row) => {
      if (name && !name.includes('|||') && !(name in puzzleRows!)) puzzleRows![name] = row;
    });
  }
  const card = b.card ?? (source.format === 'official' ? { name: source.name, description: 'Official-format checkpoint (step_N)' } : undefined);
  return {
    id,
    name: (typeof card?.name === 'string' && card.name) || source.name,
    format: looksLikeTorchZip(new Uint8Array(source.bytes, 0, Math.min(4, source.bytes.byteLength))) ? 'official' : 'app',
    task: b.config.task,
    config: b.config,
    card,
    parameterCount,
    embeddingRows,
    bytes: source.bytes.byteLength,
    puzzleRows,
  };
}
