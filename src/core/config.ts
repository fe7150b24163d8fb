// The model configuration: everything an engine needs to run a TRM.
// Field names follow the official `all_config.yaml` → `arch` keys (snake_case), so the JSON stored in a
// safetensors header, an official config and this type are one and the same. Name mapping to the paper:
//   z_H = answer y, z_L = latent z, L_cycles = n, H_cycles = T, halt_max_steps = N_sup.

export type TaskKind = 'sudoku' | 'maze' | 'arc';

export interface TrmConfig {
  task: TaskKind;
  hidden_size: number;
  num_heads: number;
  expansion: number;
  L_layers: number; // blocks per network call (2 in every published model)
  L_cycles: number; // n: latent updates per cycle
  H_cycles: number; // T: cycles per supervision step
  halt_max_steps: number; // N_sup (16)
  mlp_t: boolean; // MLP-mixer token mixing instead of attention
  pos_encodings: 'rope' | 'none' | 'learned';
  seq_len: number; // cells, without the puzzle prefix (81 or 900)
  vocab_size: number;
  puzzle_emb_len: number; // prefix positions (16)
  puzzle_emb_ndim: number; // = hidden_size in every published model
  num_puzzle_identifiers: number; // rows of puzzle_emb.weights in this file
  rms_norm_eps: number;
  rope_theta: number;
}

export const DEFAULTS = {
  expansion: 4,
  L_layers: 2,
  halt_max_steps: 16,
  puzzle_emb_len: 16,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
} as const;

/** Python's round() on a float: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** SwiGLU intermediate size: round(expansion·h·2/3) rounded up to a multiple of 256 (docs/spec.md §1.2). */
export function swigluIntermediate(hidden: number, expansion: number): number {
  return Math.ceil(roundHalfEven((expansion * hidden * 2) / 3) / 256) * 256;
}

/** Derived sizes used by every engine. */
export interface DerivedSizes {
  seqTotal: number; // seq_len + puzzle_emb_len (97 or 916)
  headDim: number;
  inter: number; // channel SwiGLU intermediate
  interT: number; // token-mixing SwiGLU intermediate (mlp_t only, else 0)
  embedScale: number; // sqrt(hidden_size)
  callsPerStep: number; // H_cycles · (L_cycles + 1)
}

export function derivedSizes(c: TrmConfig): DerivedSizes {
  const seqTotal = c.seq_len + c.puzzle_emb_len;
  return {
    seqTotal,
    headDim: c.hidden_size / c.num_heads,
    inter: swigluIntermediate(c.hidden_size, c.expansion),
    interT: c.mlp_t ? swigluIntermediate(seqTotal, c.expansion) : 0,
    embedScale: Math.sqrt(c.hidden_size),
    callsPerStep: c.H_cycles * (c.L_cycles + 1),
  };
}

/** Expected tensor shapes (our key names = official keys without `_orig_mod.model.inner.`). */
export function expectedShapes(c: TrmConfig): Record<string, number[]> {
  const d = derivedSizes(c);
  const h = c.hidden_size;
  const shapes: Record<string, number[]> = {
    H_init: [h],
    L_init: [h],
    'embed_tokens.embedding_weight': [c.vocab_size, h],
    'lm_head.weight': [c.vocab_size, h],
    'q_head.weight': [2, h],
    'q_head.bias': [2],
  };
  if (c.puzzle_emb_ndim > 0) shapes['puzzle_emb.weights'] = [c.num_puzzle_identifiers, c.puzzle_emb_ndim];
  if (c.pos_encodings === 'learned') shapes['embed_pos.embedding_weight'] = [d.seqTotal, h];
  for (let l = 0; l < c.L_layers; l++) {
    const p = `L_level.layers.${l}`;
    if (c.mlp_t) {
      shapes[`${p}.mlp_t.gate_up_proj.weight`] = [2 * d.interT, d.seqTotal];
      shapes[`${p}.mlp_t.down_proj.weight`] = [d.seqTotal, d.interT];
    } else {
      shapes[`${p}.self_attn.qkv_proj.weight`] = [3 * h, h];
      shapes[`${p}.self_attn.o_proj.weight`] = [h, h];
    }
    shapes[`${p}.mlp.gate_up_proj.weight`] = [2 * d.inter, h];
    shapes[`${p}.mlp.down_proj.weight`] = [h, d.inter];
  }
  return shapes;
}

/**
 * The largest value of each size the engines accept: several times every published model (hidden 512, 916
 * positions, 16 steps), so that a hostile file cannot ask for buffers no device has or for a solve that never ends.
 * A model within these bounds is then checked against MAX_MODEL_BYTES. The puzzle-embedding table is not bounded
 * here: an official ARC file's has ~1M rows, of which the loaders read only the rows asked for.
 */
export const CONFIG_LIMITS = {
  hidden_size: 4096, num_heads: 128, L_layers: 32, L_cycles: 64, H_cycles: 64, halt_max_steps: 256, seq_len: 4096,
  vocab_size: 4096, puzzle_emb_len: 256, puzzle_emb_ndim: 65536, expansion: 16,
} as const;

/** Largest network (f32 weights, without the puzzle table) the app and CLI load: ~150× an official model (7M parameters). */
export const MAX_MODEL_BYTES = 4 * 1024 ** 3;

/** Bytes of a config's f32 weights (the tensors of expectedShapes, without the puzzle table unless asked). */
export function modelBytes(c: TrmConfig, withPuzzleTable = false): number {
  return Object.entries(expectedShapes(c))
    .filter(([k]) => withPuzzleTable || k !== 'puzzle_emb.weights')
    .reduce((sum, [, shape]) => sum + 4 * shape.reduce((a, s) => a * s, 1), 0);
}

/** Checks a config's own consistency; returns problems in plain words (empty when fine). */
export function configProblems(c: TrmConfig): string[] {
  const p: string[] = [];
  const pos = (k: keyof TrmConfig) => {
    const v = c[k] as unknown;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) p.push(`${k} must be a positive integer (got ${String(v)})`);
  };
  (['hidden_size', 'num_heads', 'L_layers', 'L_cycles', 'H_cycles', 'halt_max_steps', 'seq_len', 'vocab_size'] as const).forEach(pos);
  if (typeof c.expansion !== 'number' || !Number.isFinite(c.expansion) || c.expansion <= 0) p.push(`expansion must be a positive number (got ${String(c.expansion)})`);
  for (const [k, most] of Object.entries(CONFIG_LIMITS)) {
    const v = c[k as keyof TrmConfig];
    if (typeof v === 'number' && v > most) p.push(`${k} is ${v}; the engines support at most ${most}`);
  }
  if (!(typeof c.rms_norm_eps === 'number' && c.rms_norm_eps > 0 && c.rms_norm_eps < 1)) p.push(`rms_norm_eps must be between 0 and 1 (got ${String(c.rms_norm_eps)})`);
  if (!(typeof c.rope_theta === 'number' && c.rope_theta > 0 && c.rope_theta <= 1e12)) p.push(`rope_theta must be a positive number up to 1e12 (got ${String(c.rope_theta)})`);
  if (!['sudoku', 'maze', 'arc'].includes(c.task)) p.push(`task must be sudoku, maze or arc (got ${String(c.task)})`);
  if (!c.mlp_t && c.hidden_size % c.num_heads !== 0) p.push(`hidden_size ${c.hidden_size} is not divisible by num_heads ${c.num_heads}`);
  else if (!c.mlp_t && c.pos_encodings === 'rope' && (c.hidden_size / c.num_heads) % 2 !== 0)
    p.push(`head_dim ${c.hidden_size / c.num_heads} (hidden_size/num_heads) must be even for RoPE`);
  if (c.puzzle_emb_ndim > c.puzzle_emb_len * c.hidden_size) p.push('puzzle_emb_ndim does not fit in the puzzle prefix');
  if (c.puzzle_emb_ndim > 0 && c.num_puzzle_identifiers < 1) p.push('num_puzzle_identifiers must be at least 1');
  if (!['rope', 'none', 'learned'].includes(c.pos_encodings)) p.push(`pos_encodings must be rope, none or learned (got ${String(c.pos_encodings)})`);
  if (!p.length && modelBytes(c) > MAX_MODEL_BYTES)
    p.push(`its network weights would take ${(modelBytes(c) / 1024 ** 3).toFixed(1)} GiB as float32; at most ${MAX_MODEL_BYTES / 1024 ** 3} GiB are loaded`);
  return p;
}

/** Model FLOPs of one supervision step for batch 1 (multiply-add = 2 FLOPs), used by benchmarks. */
export function flopsPerStep(c: TrmConfig): number {
  const d = derivedSizes(c);
  const S = d.seqTotal;
  const h = c.hidden_size;
  let block = 2 * S * h * 2 * d.inter + 2 * S * d.inter * h; // channel SwiGLU
  if (c.mlp_t) block += 2 * h * S * 2 * d.interT + 2 * h * d.interT * S;
  else block += 2 * S * h * 3 * h + 2 * S * h * h + 2 * 2 * S * S * h; // qkv, o, QK^T and PV
  const call = c.L_layers * block;
  return d.callsPerStep * call + 2 * c.seq_len * h * c.vocab_size + 2 * h * 2;
}
