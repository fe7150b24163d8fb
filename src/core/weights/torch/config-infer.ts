// Rebuilds a TrmConfig for an official checkpoint: sizes from the tensor shapes, recursion depths and heads from
// the run's `all_config.yaml` (`arch` section). Without the YAML, n/T/heads are the published presets and the
// result says it needs the user's confirmation: running with the wrong L_cycles silently ruins accuracy
// (docs/spec.md §0.14: ARC-1 with n=6 instead of 4 drops pass@1 from ~40% to ~4%).
import { parse as parseYaml } from 'yaml';
import { DEFAULTS, configProblems, expectedShapes, type TaskKind, type TrmConfig } from '../../config';
import { OFFICIAL_PREFIXES, type TensorInfo, type TorchCheckpoint } from './checkpoint';
import { boundedMessage, CheckpointContentError } from './errors';

/** Published recursion settings per task (docs/spec.md §1.1); heads = hidden/64 (head_dim 64 in every published model). */
export const TASK_PRESETS: Readonly<Record<TaskKind, { L_cycles: number; H_cycles: number; seq_len: number }>> = {
  sudoku: { L_cycles: 6, H_cycles: 3, seq_len: 81 },
  maze: { L_cycles: 4, H_cycles: 3, seq_len: 900 },
  arc: { L_cycles: 4, H_cycles: 3, seq_len: 900 },
};
const VOCAB_TASK: Readonly<Record<number, TaskKind>> = { 11: 'sudoku', 6: 'maze', 12: 'arc' };

export interface InferredConfig {
  config: TrmConfig;
  /** True when some setting came from a preset, not from all_config.yaml: show `assumed` and let the user confirm. */
  needsConfirmation: boolean;
  /** The settings that were assumed, in words (empty when the YAML gave them all). */
  assumed: string[];
  presets: typeof TASK_PRESETS;
}

/** Shapes by tensor name, with or without the official prefix; a TorchCheckpoint works too. */
export type TensorShapes = Pick<TorchCheckpoint, 'keys' | 'info'> | Record<string, Pick<TensorInfo, 'shape'>>;

function shapeMap(src: TensorShapes): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const strip = (k: string) => OFFICIAL_PREFIXES.reduce((s, p) => (s.startsWith(p) ? s.slice(p.length) : s), k);
  if (Array.isArray((src as TorchCheckpoint).keys) && typeof (src as TorchCheckpoint).info === 'function') {
    const c = src as TorchCheckpoint;
    for (const k of c.keys) out.set(strip(k), c.info(k).shape);
  } else for (const [k, v] of Object.entries(src as Record<string, Pick<TensorInfo, 'shape'>>)) out.set(strip(k), v.shape);
  return out;
}

type Arch = Record<string, unknown>;

/** An official all_config.yaml is about 2 KB; the cap keeps a hostile one from parsing for minutes. */
export const MAX_CONFIG_YAML_CHARS = 256 * 1024;

function readArch(yamlText: string): { arch: Arch; root: Record<string, unknown> } {
  if (yamlText.length > MAX_CONFIG_YAML_CHARS)
    throw new CheckpointContentError(`all_config.yaml is ${yamlText.length} characters; an official one is about 2 KB (limit ${MAX_CONFIG_YAML_CHARS}). Is this the right file?`);
  let doc: unknown;
  try {
    // No aliases (the official file has none; a self-referencing one would make a cyclic object), and no
    // duplicate-key search (quadratic in the number of keys); a repeated key keeps its last value, as PyYAML does.
    doc = parseYaml(yamlText, { maxAliasCount: 0, uniqueKeys: false });
  } catch (e) {
    throw new CheckpointContentError(`all_config.yaml is not valid YAML: ${boundedMessage(e)}`);
  }
  const root = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : null;
  const arch = root ? own(root, 'arch') : undefined;
  if (!root || !arch || typeof arch !== 'object' || Array.isArray(arch))
    throw new CheckpointContentError('all_config.yaml has no `arch` section; pass the all_config.yaml written next to the checkpoint by the official trainer');
  return { arch: arch as Arch, root };
}

/** Own keys only: a YAML `__proto__` key must not supply settings. */
const own = (o: Record<string, unknown>, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

function archInt(arch: Arch, key: string): number | undefined {
  const v = own(arch, key);
  if (v === undefined || v === null) return undefined;
  // expansion is a float in the official config class; every other architecture number is an integer
  const ok = key === 'expansion' ? typeof v === 'number' && Number.isFinite(v) && v > 0 : typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (!ok) throw new CheckpointContentError(`all_config.yaml arch.${key} is ${JSON.stringify(v)}, not a ${key === 'expansion' ? 'positive number' : 'non-negative integer'}`);
  return v as number;
}

function taskFromYaml(root: Record<string, unknown>): TaskKind | undefined {
  const paths = [own(root, 'data_paths'), own(root, 'evaluators'), own(root, 'project_name')].flat().map((v) => JSON.stringify(v ?? '').toLowerCase()).join(' ');
  // Word-start match: "data/arc1concept-aug-1000" and "arc@ARC" are ARC, "research" is not.
  for (const t of ['sudoku', 'maze', 'arc'] as const) if (new RegExp(`(^|[^a-z])${t}`).test(paths)) return t;
  return undefined;
}

/**
 * `info`: the checkpoint (or its shapes); `yamlText`: the run's all_config.yaml, or null when the user has none;
 * `task`: when known from context (else taken from the YAML's data path, then from the vocabulary size);
 * `overrides`: values the user confirmed or set (e.g. seq_len of a non-standard attention model).
 */
export function inferTrmConfig(info: TensorShapes, yamlText: string | null, task?: TaskKind, overrides: Partial<TrmConfig> = {}): InferredConfig {
  const shapes = shapeMap(info);
  const assumed: string[] = [];
  const need = (key: string, dims: number) => {
    const s = shapes.get(key);
    if (!s) throw new CheckpointContentError(`the checkpoint has no ${key}; it is not a TRM checkpoint`);
    if (s.length !== dims) throw new CheckpointContentError(`${key} has shape [${s.join(', ')}], expected ${dims} dims`);
    return s;
  };
  const [vocab_size, hidden_size] = need('embed_tokens.embedding_weight', 2);

  const layerIds = new Set<number>();
  let hasMlpT = false;
  let hasAttn = false;
  for (const k of shapes.keys()) {
    const m = /^L_level\.layers\.(\d+)\.(mlp_t|self_attn|mlp)\./.exec(k);
    if (!m) continue;
    layerIds.add(Number(m[1]));
    if (m[2] === 'mlp_t') hasMlpT = true;
    if (m[2] === 'self_attn') hasAttn = true;
  }
  const L_layers = layerIds.size;
  if (!L_layers) throw new CheckpointContentError('the checkpoint has no L_level.layers.* tensors; it is not a TRM checkpoint');
  for (let i = 0; i < L_layers; i++) if (!layerIds.has(i)) throw new CheckpointContentError(`layer ${i} is missing although ${L_layers} layers are present`);
  if (hasMlpT === hasAttn) throw new CheckpointContentError(hasMlpT ? 'the layers hold both mlp_t and self_attn weights' : 'the layers hold neither mlp_t nor self_attn weights');
  const mlp_t = hasMlpT;

  const puzzle = shapes.get('puzzle_emb.weights');
  if (puzzle && puzzle.length !== 2) throw new CheckpointContentError(`puzzle_emb.weights has shape [${puzzle.join(', ')}], expected 2 dims`);
  const num_puzzle_identifiers = puzzle ? puzzle[0] : 0;
  const puzzle_emb_ndim = puzzle ? puzzle[1] : 0;

  let arch: Arch = {};
  let yamlTask: TaskKind | undefined;
  if (yamlText !== null && yamlText !== undefined) {
    const r = readArch(yamlText);
    arch = r.arch;
    yamlTask = taskFromYaml(r.root);
    const check = (key: string, fromWeights: unknown) => {
      if (own(arch, key) !== undefined && own(arch, key) !== fromWeights)
        throw new CheckpointContentError(`all_config.yaml says arch.${key} = ${JSON.stringify(own(arch, key))} but the weights have ${JSON.stringify(fromWeights)}: the YAML belongs to another run`);
    };
    check('hidden_size', hidden_size);
    check('L_layers', L_layers);
    check('mlp_t', mlp_t);
    if (puzzle) check('puzzle_emb_ndim', puzzle_emb_ndim);
  }
  const hasYaml = yamlText !== null && yamlText !== undefined;

  const t: TaskKind | undefined = overrides.task ?? task ?? yamlTask ?? VOCAB_TASK[vocab_size];
  if (!t) throw new CheckpointContentError(`cannot tell the task (vocabulary of ${vocab_size} tokens is not sudoku 11, maze 6 or arc 12); say which with task`);
  if (!task && !overrides.task && !yamlTask) assumed.push(`task = ${t} (from the vocabulary size ${vocab_size})`);
  const preset = TASK_PRESETS[t];

  const fromArch = (key: 'H_cycles' | 'L_cycles' | 'num_heads' | 'halt_max_steps' | 'expansion', fallback: number, why: string): number => {
    const v = archInt(arch, key);
    if (v !== undefined) return v;
    if (overrides[key] === undefined && (key === 'H_cycles' || key === 'L_cycles' || (key === 'num_heads' && !mlp_t)))
      assumed.push(`${key} = ${fallback} (${why}${hasYaml ? '; all_config.yaml does not give it' : ''})`);
    return fallback;
  };
  const L_cycles = fromArch('L_cycles', preset.L_cycles, `the published ${t} setting`);
  const H_cycles = fromArch('H_cycles', preset.H_cycles, `the published ${t} setting`);
  const num_heads = fromArch('num_heads', Math.max(1, Math.floor(hidden_size / 64)), 'hidden_size / 64');
  const halt_max_steps = fromArch('halt_max_steps', DEFAULTS.halt_max_steps, 'default');
  const expansion = fromArch('expansion', DEFAULTS.expansion, 'default');
  const yamlEmbLen = archInt(arch, 'puzzle_emb_len');
  // Official rule: puzzle_emb_len 0 means ceil(puzzle_emb_ndim / hidden_size).
  const puzzle_emb_len = yamlEmbLen === undefined ? DEFAULTS.puzzle_emb_len : yamlEmbLen === 0 ? Math.ceil(puzzle_emb_ndim / hidden_size) : yamlEmbLen;

  let seq_len: number = preset.seq_len;
  if (mlp_t) {
    const g = need('L_level.layers.0.mlp_t.gate_up_proj.weight', 2);
    seq_len = g[1] - puzzle_emb_len; // the token-mixing MLP acts over seq_len + prefix positions
    if (seq_len <= 0) throw new CheckpointContentError(`mlp_t.gate_up_proj mixes ${g[1]} positions, too few for a ${puzzle_emb_len}-position prefix`);
  }
  const posYaml = own(arch, 'pos_encodings');
  if (posYaml !== undefined && posYaml !== 'rope' && posYaml !== 'none' && posYaml !== 'learned')
    throw new CheckpointContentError(`all_config.yaml arch.pos_encodings is ${JSON.stringify(posYaml)}; expected rope, none or learned`);
  const pos_encodings = shapes.has('embed_pos.embedding_weight') ? 'learned' : ((posYaml as TrmConfig['pos_encodings'] | undefined) ?? (mlp_t ? 'none' : 'rope'));
  const num = (key: string, fallback: number) => {
    const v = own(arch, key);
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !(v > 0)) throw new CheckpointContentError(`all_config.yaml arch.${key} is ${JSON.stringify(v)}, not a positive number`);
    return v;
  };

  const config: TrmConfig = {
    task: t,
    hidden_size,
    num_heads,
    expansion,
    L_layers,
    L_cycles,
    H_cycles,
    halt_max_steps,
    mlp_t,
    pos_encodings,
    seq_len,
    vocab_size,
    puzzle_emb_len,
    puzzle_emb_ndim,
    num_puzzle_identifiers,
    rms_norm_eps: num('rms_norm_eps', DEFAULTS.rms_norm_eps),
    rope_theta: num('rope_theta', DEFAULTS.rope_theta),
    ...overrides,
  };

  const problems = configProblems(config);
  if (problems.length) throw new CheckpointContentError(`the inferred config is not valid: ${problems.join('; ')}`);
  // Every size the config implies must match the weights (catches a wrong expansion, prefix length or seq_len).
  const mismatches: string[] = [];
  for (const [k, want] of Object.entries(expectedShapes(config))) {
    const got = shapes.get(k);
    if (!got) mismatches.push(`${k} is missing`);
    else if (got.join() !== want.join()) mismatches.push(`${k} is [${got.join(', ')}], the config implies [${want.join(', ')}]`);
  }
  if (mismatches.length) throw new CheckpointContentError(`the checkpoint does not fit the inferred config: ${mismatches.join('; ')}`);
  return { config, needsConfirmation: assumed.length > 0, assumed, presets: TASK_PRESETS };
}
