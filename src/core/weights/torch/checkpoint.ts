// Opens a `torch.save(state_dict)` checkpoint lazily: reads the zip directory and the pickle, then each tensor's
// bytes only when asked (a whole tensor, or some rows of it: the ARC puzzle table is 1.8 GB).
import type { Tensor } from '../../bundle';
import { toByteSource, trackReads, type SourceLike } from './byte-source';
import { DTYPE_BYTES, decodeToF32, type TorchDType } from './dtypes';
import { CheckpointContentError, CheckpointError } from './errors';
import { PyDict, TensorRef, unpickle } from './pickle';
import { ZipArchive, type ZipEntry } from './zip';

export const OFFICIAL_PREFIXES = ['_orig_mod.model.inner.', 'model.inner.'] as const;
export type OfficialPrefix = (typeof OFFICIAL_PREFIXES)[number];

/** Whole-tensor reads above this are refused (only the ARC puzzle table is that large; it is read by rows). */
export const MAX_WHOLE_TENSOR_BYTES = 1024 * 1024 * 1024;
/** Longest single read when gathering consecutive rows. */
const MAX_RUN_BYTES = 16 * 1024 * 1024;
/** The pickle is a few KB for every TRM checkpoint (7.5 KB for ARC); anything far larger is not one. */
/** A TRM state_dict's data.pkl is a few KB (about 100 bytes a tensor); the unpickler's heap is bounded by its size. */
const MAX_PICKLE_BYTES = 1024 * 1024;

export interface TensorInfo {
  dtype: TorchDType;
  shape: number[];
}

export interface TorchCheckpoint {
  /** Tensor names without the prefix (`H_init`, `L_level.layers.0.mlp.down_proj.weight`, ...), in file order. */
  keys: string[];
  /** The prefix every key in the file carries. */
  prefix: OfficialPrefix;
  /** `name` may be given with or without the prefix. */
  info(name: string): TensorInfo;
  /** The whole tensor as f32 (bf16/f16 upcast exactly). */
  tensor(name: string): Promise<Tensor>;
  /** Rows of a tensor along its first axis, in the order given (row ids may repeat). */
  rows(name: string, rows: readonly number[]): Promise<Tensor>;
  /** Bytes read from the source so far (zip directory, pickle, tensor ranges). */
  readonly bytesRead: number;
}

interface Located {
  ref: TensorRef;
  entry: ZipEntry;
}

export async function readTorchCheckpoint(source: SourceLike): Promise<TorchCheckpoint> {
  const src = trackReads(toByteSource(source));
  const zip = await ZipArchive.open(src);

  const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length !== 1)
    throw new CheckpointError(
      pkls.length
        ? `the zip holds ${pkls.length} pickles (${pkls.join(', ')}); a checkpoint holds one <archive>/data.pkl`
        : `the zip holds no <archive>/data.pkl, so it is not a torch.save checkpoint (entries: ${[...zip.entries.keys()].slice(0, 5).join(', ')}…)`,
    );
  const root = pkls[0].slice(0, -'/data.pkl'.length);

  const byteorder = zip.get(`${root}/byteorder`);
  if (byteorder) {
    if (byteorder.size > 16) throw new CheckpointError(`${root}/byteorder is ${byteorder.size} bytes; expected "little"`);
    const order = new TextDecoder().decode(await zip.read(byteorder));
    if (order !== 'little') throw new CheckpointError(`the checkpoint was saved on a "${order}"-endian machine; only little-endian checkpoints are read`);
  }

  const pkl = zip.get(pkls[0])!;
  if (pkl.size > MAX_PICKLE_BYTES) throw new CheckpointError(`${pkls[0]} is ${pkl.size} bytes; a state_dict pickle is a few KB (limit ${MAX_PICKLE_BYTES})`);
  const top = unpickle(await zip.read(pkl));
  if (!(top instanceof PyDict)) throw new CheckpointContentError('the checkpoint does not hold a dict; expected torch.save(model.state_dict())');

  const fileKeys: string[] = [];
  const byFileKey = new Map<string, Located>();
  for (const [k, v] of top.map) {
    if (!(v instanceof TensorRef)) continue; // non-tensor values are not weights
    if (typeof k !== 'string') throw new CheckpointContentError(`a state_dict key is ${String(k)}, not a string`);
    const entryName = `${root}/data/${v.storage.key}`;
    const entry = zip.get(entryName);
    if (!entry) throw new CheckpointContentError(`tensor ${k}: its storage record ${entryName} is missing from the zip`);
    if (v.numel > v.storage.numel)
      throw new CheckpointContentError(
        `tensor ${k} [${v.shape.join(', ')}] has ${v.numel} values but its storage holds ${v.storage.numel}: its strides read the same ` +
          'bytes many times (torch.save of a state_dict never does this)',
      );
    const need = v.storage.numel * DTYPE_BYTES[v.storage.dtype];
    if (need > entry.size)
      throw new CheckpointContentError(`tensor ${k}: storage "${v.storage.key}" declares ${v.storage.numel} ${v.storage.dtype} values (${need} bytes) but ${entryName} holds ${entry.size} bytes (truncated?)`);
    fileKeys.push(k);
    byFileKey.set(k, { ref: v, entry });
  }
  if (!fileKeys.length) {
    const keys = [...top.map.keys()].slice(0, 8).map(String).join(', ');
    throw new CheckpointContentError(`the checkpoint holds no tensors at its top level (keys: ${keys || 'none'}); expected a bare state_dict as the official pretrain.py saves`);
  }

  const prefix = OFFICIAL_PREFIXES.find((p) => fileKeys.every((k) => k.startsWith(p)));
  if (!prefix)
    throw new CheckpointContentError(
      `the keys do not all start with "_orig_mod.model.inner." or "model.inner." (first: ${fileKeys[0]}); this is not an official TRM checkpoint`,
    );
  const keys = fileKeys.map((k) => k.slice(prefix.length));

  const locate = (name: string): Located => {
    const l = byFileKey.get(name) ?? byFileKey.get(prefix + name);
    if (!l) throw new CheckpointContentError(`the checkpoint has no tensor ${name}`);
    return l;
  };

  const readElements = async ({ ref, entry }: Located, first: number, count: number, strideElems = 1): Promise<Float32Array> => {
    // Elements first, first+stride, ... of the storage: one byte-range read covering them.
    const isz = DTYPE_BYTES[ref.storage.dtype];
    if (count === 0) return new Float32Array(0);
    const span = (count - 1) * strideElems + 1;
    const bytes = await zip.read(entry, first * isz, span * isz);
    const all = decodeToF32(bytes, ref.storage.dtype, span);
    if (strideElems === 1) return all;
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = all[i * strideElems];
    return out;
  };

  return {
    keys,
    prefix,
    info: (name) => {
      const { ref } = locate(name);
      return { dtype: ref.storage.dtype, shape: [...ref.shape] };
    },
    tensor: async (name) => {
      const l = locate(name);
      const { ref } = l;
      const n = ref.numel;
      if (n * 4 > MAX_WHOLE_TENSOR_BYTES)
        throw new CheckpointContentError(`tensor ${name} [${ref.shape.join(', ')}] is ${((n * 4) / 2 ** 30).toFixed(2)} GiB as f32; read the rows you need with rows()`);
      if (isContiguous(ref)) return { shape: [...ref.shape], data: await readElements(l, ref.storageOffset, n) };
      // Strided view: read the span it covers once, then gather (simple, and the span is within the storage).
      const last = ref.shape.reduce((a, s, i) => a + (s - 1) * ref.stride[i], ref.storageOffset);
      const span = n === 0 ? new Float32Array(0) : await readElements(l, ref.storageOffset, last - ref.storageOffset + 1);
      return { shape: [...ref.shape], data: gather(span, ref.shape, ref.stride, n) };
    },
    rows: async (name, rows) => {
      const l = locate(name);
      const { ref } = l;
      if (ref.shape.length < 1) throw new CheckpointContentError(`tensor ${name} is a scalar; it has no rows`);
      const [nRows, ...rest] = ref.shape;
      const inner = rest.reduce((a, s) => a * s, 1);
      const innerContiguous = isContiguous({ shape: rest, stride: ref.stride.slice(1) } as TensorRef);
      for (const r of rows)
        if (!Number.isSafeInteger(r) || r < 0 || r >= nRows) throw new CheckpointContentError(`row ${r} of ${name} requested, but it has ${nRows} rows (ids 0..${nRows - 1})`);
      if (!innerContiguous && rest.length !== 1)
        throw new CheckpointContentError(`tensor ${name} has a non-contiguous layout beyond 2 dims; reading rows of it is not supported`);
      const data = new Float32Array(rows.length * inner);
      // Runs of consecutive ids in a row-major table are read with one range (ARC exports ~1000 adjacent rows per task).
      const packed = innerContiguous && ref.stride[0] === inner;
      const maxRun = Math.max(1, Math.floor(MAX_RUN_BYTES / Math.max(1, inner * DTYPE_BYTES[ref.storage.dtype])));
      for (let i = 0; i < rows.length; ) {
        let run = 1;
        while (packed && i + run < rows.length && run < maxRun && rows[i + run] === rows[i] + run) run++;
        const first = ref.storageOffset + rows[i] * ref.stride[0];
        if (innerContiguous) data.set(await readElements(l, first, run * inner), i * inner);
        else data.set(await readElements(l, first, inner, ref.stride[1]), i * inner);
        i += run;
      }
      return { shape: [rows.length, ...rest], data };
    },
    get bytesRead() {
      return src.bytesRead;
    },
  };
}

/** C-contiguous, ignoring the strides of size-1 dims (torch leaves them arbitrary). */
function isContiguous(ref: Pick<TensorRef, 'shape' | 'stride'>): boolean {
  let expect = 1;
  for (let i = ref.shape.length - 1; i >= 0; i--) {
    if (ref.shape[i] === 1) continue;
    if (ref.stride[i] !== expect) return false;
    expect *= ref.shape[i];
  }
  return true;
}

/** Gathers a strided view out of the storage span that starts at its first element. */
function gather(span: Float32Array, shape: number[], stride: number[], n: number): Float32Array {
  const out = new Float32Array(n);
  const idx = new Array<number>(shape.length).fill(0);
  let src = 0;
  for (let o = 0; o < n; o++) {
    out[o] = span[src];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        src += stride[d];
        break;
      }
      src -= (shape[d] - 1) * stride[d];
      idx[d] = 0;
    }
  }
  return out;
}
