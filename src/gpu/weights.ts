// Weight upload: every tensor the kernels read goes to the GPU once, in the layout the kernels want.
import type { ModelBundle } from '../core/bundle';
import { ropeTables } from '../core/reference/ops';
import { engineSizes, HOST_TENSORS } from './plan';
import { packF16 } from './shader-variants';

/** How the matmul weights are kept on the GPU: f32, or f16 pairs packed in u32 (f32 accumulation). */
export type WeightStorage = 'f32' | 'f16';

/** The weights that only matmuls read: the ones f16 storage applies to (the rest are small). */
export const isMatmulWeight = (name: string): boolean => /(self_attn\.(qkv|o)_proj|mlp(_t)?\.(gate_up|down)_proj)\.weight$/.test(name);

/**
 * SwiGLU gate_up weights [2·inter][cols] (rows 0..inter−1 gate, inter..2·inter−1 up, docs/spec.md §1.2) →
 * rows interleaved (gate j at 2j, up j at 2j+1), so one matmul thread holds both halves of an output and
 * the epilogue can produce silu(gate)·up directly.
 */
export function interleaveGateUp(w: Float32Array, inter: number, cols: number): Float32Array {
  const out = new Float32Array(2 * inter * cols);
  for (let j = 0; j < inter; j++) {
    out.set(w.subarray(j * cols, (j + 1) * cols), 2 * j * cols);
    out.set(w.subarray((inter + j) * cols, (inter + j + 1) * cols), (2 * j + 1) * cols);
  }
  return out;
}

/** [rows][cols] → [rows][paddedCols] with zeros on the right. */
export function padColumns(w: Float32Array, rows: number, cols: number, paddedCols: number): Float32Array {
  if (paddedCols === cols) return w;
  const out = new Float32Array(rows * paddedCols);
  for (let r = 0; r < rows; r++) out.set(w.subarray(r * cols, (r + 1) * cols), r * paddedCols);
  return out;
}

export function createStorage(device: GPUDevice, label: string, data: Float32Array | Uint32Array | Int32Array): GPUBuffer {
  const buf = device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(data.byteLength / 16) * 16),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    mappedAtCreation: true,
  });
  new Uint8Array(buf.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  buf.unmap();
  return buf;
}

/** RoPE tables of the official RotaryEmbedding, half a row each ([S][D/2]; emb repeats the half). */
export function ropeHalfTables(seqTotal: number, headDim: number, theta: number): { cos: Float32Array; sin: Float32Array } {
  const t = ropeTables(seqTotal, headDim, theta);
  const half = headDim / 2;
  const cos = new Float32Array(seqTotal * half);
  const sin = new Float32Array(seqTotal * half);
  for (let p = 0; p < seqTotal; p++) {
    cos.set(t.cos.subarray(p * headDim, p * headDim + half), p * half);
    sin.set(t.sin.subarray(p * headDim, p * headDim + half), p * half);
  }
  return { cos, sin };
}

/**
 * Uploads the model's weights (gate_up interleaved, RoPE tables added; matmul weights as packed f16 when
 * `storage` is 'f16'). The puzzle table stays on the host.
 */
export function uploadWeights(device: GPUDevice, bundle: ModelBundle, storage: WeightStorage = 'f32'): Map<string, GPUBuffer> {
  const c = bundle.config;
  const z = engineSizes(c, 1);
  const out = new Map<string, GPUBuffer>();
  for (const [name, t] of Object.entries(bundle.tensors)) {
    if (HOST_TENSORS.has(name)) continue;
    let data = t.data;
    if (name.endsWith('mlp.gate_up_proj.weight')) data = interleaveGateUp(data, z.inter, c.hidden_size);
    else if (name.endsWith('mlp_t.gate_up_proj.weight')) data = padColumns(interleaveGateUp(data, z.interT, z.S), 2 * z.interT, z.S, z.mixK);
    out.set(name, createStorage(device, name, storage === 'f16' && isMatmulWeight(name) ? packF16(data) : data));
  }
  if (!c.mlp_t && c.pos_encodings === 'rope') {
    const r = ropeHalfTables(z.S, z.headDim, c.rope_theta);
    out.set('rope_cos', createStorage(device, 'rope_cos', r.cos));
    out.set('rope_sin', createStorage(device, 'rope_sin', r.sin));
  }
  return out;
}
