// Every GPU buffer the engine allocates for a model and batch size, computed from the config alone, so
// that the adapter limits are checked BEFORE anything is allocated (and so it can be unit-tested).
import { derivedSizes, expectedShapes, type TrmConfig } from '../core/config';
import { GpuLimitError } from './errors';

/** Activation rows are padded to a multiple of this so the channel matmuls can skip bounds checks. */
export const ROW_PADDING = 64;

export function paddedRows(realRows: number): number {
  return Math.ceil(realRows / ROW_PADDING) * ROW_PADDING;
}

export interface PlannedBuffer {
  name: string;
  bytes: number;
  kind: 'weight' | 'activation' | 'readback';
}

/** Sizes (in f32 elements unless named bytes) that the engine and its kernels share. */
export interface EngineSizes {
  B: number;
  S: number; // seq_len + puzzle prefix
  L: number; // seq_len
  P: number; // puzzle prefix positions
  H: number;
  V: number;
  rows: number; // B·S real rows
  rowsPadded: number;
  /** Token-mixing inner size: S rounded up to 16, so W_t·h takes the vec4 matmul (mlp_t only, else S). */
  mixK: number;
  inter: number;
  interT: number;
  headDim: number;
  calls: number; // network calls per supervision step
  ndim: number; // puzzle_emb_ndim
}

export function engineSizes(c: TrmConfig, batch: number): EngineSizes {
  const d = derivedSizes(c);
  const rows = batch * d.seqTotal;
  // The token-mixing gate_up weights are zero-padded from S to mixK columns; the matmul then reads
  // mixK − S rows past each puzzle's block (the next puzzle's rows, or padding rows), times zero.
  const mixK = c.mlp_t ? Math.ceil(d.seqTotal / 16) * 16 : d.seqTotal;
  return {
    B: batch,
    S: d.seqTotal,
    L: c.seq_len,
    P: c.puzzle_emb_len,
    H: c.hidden_size,
    V: c.vocab_size,
    rows,
    rowsPadded: paddedRows(rows + (mixK - d.seqTotal)),
    mixK,
    inter: d.inter,
    interT: d.interT,
    headDim: d.headDim,
    calls: d.callsPerStep,
    ndim: c.puzzle_emb_ndim,
  };
}

/** The puzzle-embedding table stays on the host (an ARC table is ~1.8 GB); only the batch's rows go up. */
export const HOST_TENSORS = new Set(['puzzle_emb.weights']);

/** One activation buffer of the engine: its key in the engine, a readable name, its size in f32 elements. */
export interface ActivationBuffer {
  key: string;
  name: string;
  elements: number;
}

/** Every activation buffer the engine allocates (the engine allocates from this list; the limits check reads it). */
export function activationBuffers(c: TrmConfig, z: EngineSizes): ActivationBuffer[] {
  const out: ActivationBuffer[] = [];
  const act = (key: string, name: string, elements: number) => out.push({ key, name, elements });
  act('x', 'x (input embedding)', z.rowsPadded * z.H);
  act('zH', 'z_H (answer y)', z.rowsPadded * z.H);
  act('zL', 'z_L (latent z)', z.rowsPadded * z.H);
  if (c.mlp_t) act('mixAct', 'token-mixing SwiGLU activations', z.B * z.interT * z.H);
  else {
    act('qkv', 'qkv', z.rowsPadded * 3 * z.H);
    act('attnOut', 'attention output', z.rowsPadded * z.H);
  }
  act('mlpAct', 'channel SwiGLU activations', z.rowsPadded * z.inter);
  act('tokens', 'tokens', z.B * z.L);
  act('puzzleRows', 'puzzle rows', z.B * Math.max(1, z.ndim));
  act('logits', 'logits', z.B * z.L * z.V);
  act('preds', 'preds', z.B * z.L);
  act('conf', 'confidence', z.B * z.L);
  act('q', 'q', 2 * z.B);
  act('innerPreds', 'inner preds', z.calls * z.B * z.L);
  act('innerNorms', 'inner norms', z.calls * 2 * z.B);
  return out;
}

/** Bytes allocated for `elements` f32 values: a multiple of 16, at least 16. */
export function activationBytes(elements: number): number {
  return Math.max(16, Math.ceil((elements * 4) / 16) * 16);
}

export function planBuffers(c: TrmConfig, batch: number): PlannedBuffer[] {
  const z = engineSizes(c, batch);
  const f = 4;
  const out: PlannedBuffer[] = [];
  for (const [name, shape] of Object.entries(expectedShapes(c))) {
    if (HOST_TENSORS.has(name)) continue;
    const elements = name.endsWith('mlp_t.gate_up_proj.weight') ? shape[0] * z.mixK : shape.reduce((a, s) => a * s, 1);
    out.push({ name, bytes: elements * f, kind: 'weight' });
  }
  if (!c.mlp_t && c.pos_encodings === 'rope') {
    out.push({ name: 'rope_cos', bytes: z.S * (z.headDim / 2) * f, kind: 'weight' });
    out.push({ name: 'rope_sin', bytes: z.S * (z.headDim / 2) * f, kind: 'weight' });
  }
  for (const a of activationBuffers(c, z)) out.push({ name: a.name, bytes: activationBytes(a.elements), kind: 'activation' });
  out.push({ name: 'readback staging', bytes: readbackBytes(z), kind: 'readback' });
  return out;
}

/** Bytes of one staging buffer: preds, confidence, q, logits, inner preds/norms and a carry snapshot. */
export function readbackBytes(z: EngineSizes): number {
  const cells = z.B * z.L;
  return 4 * (cells * 2 + 2 * z.B + cells * z.V + z.calls * cells + z.calls * 2 * z.B + 2 * z.rows * z.H);
}

export interface BufferLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/** Throws a GpuLimitError naming the first buffer that does not fit. */
export function checkBufferPlan(plan: PlannedBuffer[], limits: BufferLimits, batch: number): void {
  for (const b of plan) {
    const remedy =
      b.kind === 'weight'
        ? 'This model is too large for this GPU; use the CPU engine or a device with larger storage buffers.'
        : `Use a smaller batch than ${batch}${batch > 1 ? ` (it grows with the batch)` : ''}, or the CPU engine.`;
    if (b.kind !== 'readback' && b.bytes > limits.maxStorageBufferBindingSize)
      throw new GpuLimitError(b.name, b.bytes, limits.maxStorageBufferBindingSize, 'maxStorageBufferBindingSize', remedy);
    if (b.bytes > limits.maxBufferSize) throw new GpuLimitError(b.name, b.bytes, limits.maxBufferSize, 'maxBufferSize', remedy);
  }
}
