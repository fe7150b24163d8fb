// The app weight format: one safetensors file whose tensors carry the official names without
// `_orig_mod.model.inner.` and whose `__metadata__` holds format, format_version, config (TrmConfig JSON),
// token_map and, optionally, puzzle_names and card (all JSON strings). See the shared formats section.
import { validateBundle, type ModelBundle, type ModelCard, type Tensor } from '../bundle';
import { DEFAULTS, expectedShapes, type TaskKind, type TrmConfig } from '../config';
import { TOKEN_MAPS } from '../tasks';
import { boundedMessage, ownValue } from '../untrusted';
import { openSafetensors, writeSafetensors, type FloatDtype } from './safetensors';

export const APP_FORMAT = 'trm-safetensors';
export const APP_FORMAT_VERSION = '1';

/** The file's metadata is missing, malformed or disagrees with itself; the message names the field. */
export class AppFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppFormatError';
  }
}

/** A loaded app model: the bundle plus the token meanings stored with it. */
export interface AppModel extends ModelBundle {
  tokenMap: string[];
}

type FieldKind = 'int' | 'number' | 'boolean' | 'task' | 'pos';
/** Every TrmConfig field, in the order files are written, with the JSON type it must have. */
const CONFIG_FIELDS: Record<keyof TrmConfig, FieldKind> = {
  task: 'task', hidden_size: 'int', num_heads: 'int', expansion: 'number', L_layers: 'int', L_cycles: 'int',
  H_cycles: 'int', halt_max_steps: 'int', mlp_t: 'boolean', pos_encodings: 'pos', seq_len: 'int', vocab_size: 'int',
  puzzle_emb_len: 'int', puzzle_emb_ndim: 'int', num_puzzle_identifiers: 'int', rms_norm_eps: 'number', rope_theta: 'number',
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJsonField(metadata: Record<string, string>, key: string): unknown {
  try {
    return JSON.parse(ownValue(metadata, key) ?? '');
  } catch (e) {
    throw new AppFormatError(`metadata "${key}" is not valid JSON (${boundedMessage(e)})`);
  }
}

/**
 * A TrmConfig from its JSON object: every field present with the right type (the fields that have official
 * defaults may be omitted), no unknown field. Range checks are left to validateBundle/configProblems.
 */
export function parseTrmConfig(json: unknown): TrmConfig {
  if (!isRecord(json)) throw new AppFormatError('metadata "config" must be a JSON object of TrmConfig fields');
  const unknown = Object.keys(json).filter((k) => !Object.hasOwn(CONFIG_FIELDS, k));
  if (unknown.length) throw new AppFormatError(`config has unknown field(s) ${unknown.join(', ')}; expected the TrmConfig fields`);
  const config: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(CONFIG_FIELDS)) {
    let v = ownValue(json, key);
    if (v === undefined && Object.hasOwn(DEFAULTS, key)) v = DEFAULTS[key as keyof typeof DEFAULTS];
    if (v === undefined) throw new AppFormatError(`config lacks ${key}`);
    const ok =
      kind === 'int' ? typeof v === 'number' && Number.isInteger(v) && v >= 0
      : kind === 'number' ? typeof v === 'number' && Number.isFinite(v) && v > 0
      : kind === 'boolean' ? typeof v === 'boolean'
      : kind === 'task' ? v === 'sudoku' || v === 'maze' || v === 'arc'
      : v === 'rope' || v === 'none' || v === 'learned';
    if (!ok) {
      const want = { int: 'a non-negative integer', number: 'a positive number', boolean: 'true or false', task: 'sudoku, maze or arc', pos: 'rope, none or learned' }[kind];
      throw new AppFormatError(`config ${key} is ${JSON.stringify(v)}; it must be ${want}`);
    }
    config[key] = v;
  }
  return config as unknown as TrmConfig;
}

/** The token meanings the task codecs assume: the official ones, or PAD, blank, 1..k for a smaller Sudoku. */
export function defaultTokenMap(task: TaskKind, vocabSize: number): string[] {
  if (task === 'sudoku') return ['PAD', 'blank', ...Array.from({ length: Math.max(0, vocabSize - 2) }, (_, i) => String(i + 1))];
  return [...TOKEN_MAPS[task]];
}

function checkTokenMap(value: unknown, config: TrmConfig): string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string'))
    throw new AppFormatError('metadata "token_map" must be a JSON list of strings (the meaning of each token id)');
  if (value.length !== config.vocab_size)
    throw new AppFormatError(`token_map has ${value.length} entries but the config's vocab_size is ${config.vocab_size}`);
  const expected = defaultTokenMap(config.task, config.vocab_size);
  if (value.some((s, i) => s !== expected[i]))
    throw new AppFormatError(
      `token_map ${JSON.stringify(value)} differs from the ${config.task} encoding ${JSON.stringify(expected)}; the puzzles would be misread`,
    );
  return value as string[];
}

function checkPuzzleNames(value: unknown, config: TrmConfig): string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string'))
    throw new AppFormatError('metadata "puzzle_names" must be a JSON list of strings');
  if (value.length !== config.num_puzzle_identifiers)
    throw new AppFormatError(`puzzle_names has ${value.length} entries but num_puzzle_identifiers is ${config.num_puzzle_identifiers}`);
  return value as string[];
}

export interface LoadOptions {
  /** Called after each tensor is read with the bytes read so far and the file size. */
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
}

/**
 * Reads an app-format file from memory or lazily from a Blob/File: checks the metadata first (before any
 * tensor is read), then the tensors against the config (validateBundle: missing, extra, mis-shaped, NaN).
 * Throws SafetensorsError (bytes), AppFormatError (metadata) or BundleError (tensors vs config).
 */
export async function loadAppModel(source: Uint8Array | Blob, options: LoadOptions = {}): Promise<AppModel> {
  const file = await openSafetensors(source);
  const meta = file.metadata;
  if (meta.format !== APP_FORMAT)
    throw new AppFormatError(
      meta.format === undefined
        ? `this safetensors file has no "format" metadata; it is not a ${APP_FORMAT} model (convert it with npm run convert)`
        : `metadata format is ${JSON.stringify(meta.format)}, expected "${APP_FORMAT}"`,
    );
  if (meta.format_version !== APP_FORMAT_VERSION)
    throw new AppFormatError(`format_version ${JSON.stringify(meta.format_version)} is not supported (this app reads version ${APP_FORMAT_VERSION})`);
  if (meta.config === undefined) throw new AppFormatError('metadata has no "config"; the model cannot be built without it');
  const config = parseTrmConfig(parseJsonField(meta, 'config'));
  if (!Object.hasOwn(meta, 'token_map')) throw new AppFormatError('metadata has no "token_map"');
  const tokenMap = checkTokenMap(parseJsonField(meta, 'token_map'), config);
  const puzzleNames = !Object.hasOwn(meta, 'puzzle_names') ? undefined : checkPuzzleNames(parseJsonField(meta, 'puzzle_names'), config);
  let card: ModelCard | undefined;
  if (Object.hasOwn(meta, 'card')) {
    const c = parseJsonField(meta, 'card');
    if (!isRecord(c)) throw new AppFormatError('metadata "card" must be a JSON object');
    card = c as ModelCard;
  }

  const tensors: Record<string, Tensor> = {};
  let loaded = file.header.dataStart;
  for (const name of file.names) {
    tensors[name] = await file.read(name);
    const info = file.header.tensors[name];
    loaded += info.end - info.begin;
    options.onProgress?.(loaded, file.header.fileSize);
  }
  const bundle: AppModel = { config, tensors, tokenMap };
  if (puzzleNames) bundle.puzzleNames = puzzleNames;
  if (card) bundle.card = card;
  validateBundle(bundle);
  return bundle;
}

export interface SaveOptions {
  tokenMap?: string[]; // default: defaultTokenMap(config.task, config.vocab_size)
  card?: ModelCard; // default: bundle.card
  dtype?: FloatDtype; // default F32
}

/** Writes a validated bundle in the app format (tensors in expectedShapes order). */
export function saveAppModel(bundle: ModelBundle, options: SaveOptions = {}): Uint8Array<ArrayBuffer> {
  validateBundle(bundle);
  const { config } = bundle;
  const tokenMap = checkTokenMap(options.tokenMap ?? defaultTokenMap(config.task, config.vocab_size), config);
  const orderedConfig = Object.fromEntries(Object.keys(CONFIG_FIELDS).map((k) => [k, config[k as keyof TrmConfig]]));
  const metadata: Record<string, string> = {
    format: APP_FORMAT,
    format_version: APP_FORMAT_VERSION,
    config: JSON.stringify(orderedConfig),
    token_map: JSON.stringify(tokenMap),
  };
  if (bundle.puzzleNames) metadata.puzzle_names = JSON.stringify(checkPuzzleNames(bundle.puzzleNames, config));
  const card = options.card ?? bundle.card;
  if (card) metadata.card = JSON.stringify(card);
  const tensors: Record<string, Tensor> = {};
  for (const name of Object.keys(expectedShapes(config))) tensors[name] = bundle.tensors[name];
  return writeSafetensors(tensors, metadata, { dtype: options.dtype });
}
