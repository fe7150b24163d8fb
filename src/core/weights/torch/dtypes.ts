// Torch storage types → element types, and decoding raw little-endian bytes to f32.
import { f16BitsToFloat } from '../float16';
import { CheckpointContentError } from './errors';

export type TorchDType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** The storage classes `torch.save` names in its persistent ids (`torch.FloatStorage`, ...), by dotted name. */
export const STORAGE_DTYPES: Readonly<Record<string, TorchDType>> = {
  'torch.FloatStorage': 'float32',
  'torch.DoubleStorage': 'float64',
  'torch.HalfStorage': 'float16',
  'torch.BFloat16Storage': 'bfloat16',
  'torch.LongStorage': 'int64',
  'torch.IntStorage': 'int32',
  'torch.ShortStorage': 'int16',
  'torch.CharStorage': 'int8',
  'torch.ByteStorage': 'uint8',
  'torch.BoolStorage': 'bool',
  // Untyped storages count bytes.
  'torch.UntypedStorage': 'uint8',
  'torch.storage.UntypedStorage': 'uint8',
};

export const DTYPE_BYTES: Readonly<Record<TorchDType, number>> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Copies `count` elements of `dtype` from little-endian `bytes` into a new Float32Array (bf16/f16 upcast exactly). */
export function decodeToF32(bytes: Uint8Array, dtype: TorchDType, count: number): Float32Array {
  if (!HOST_LITTLE_ENDIAN) throw new CheckpointContentError('this machine is big-endian; checkpoint tensors are little-endian and are not byte-swapped here');
  const need = count * DTYPE_BYTES[dtype];
  if (bytes.length < need) throw new CheckpointContentError(`internal: ${bytes.length} bytes given for ${count} ${dtype} values`);
  // A fresh, aligned copy: typed-array views need alignment, and the result must not alias the source.
  const buf = bytes.slice(0, need).buffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf);
    case 'float64':
      return Float32Array.from(new Float64Array(buf));
    case 'bfloat16': {
      // bf16 is the top half of an f32: shifting the bits up is exact.
      const src = new Uint16Array(buf);
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = src[i] << 16;
      return new Float32Array(bits.buffer);
    }
    case 'float16': {
      const src = new Uint16Array(buf);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = f16BitsToFloat(src[i]);
      return out;
    }
    case 'int64': {
      const src = new BigInt64Array(buf);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = Number(src[i]);
      return out;
    }
    case 'int32':
      return Float32Array.from(new Int32Array(buf));
    case 'int16':
      return Float32Array.from(new Int16Array(buf));
    case 'int8':
      return Float32Array.from(new Int8Array(buf));
    case 'uint8':
    case 'bool':
      return Float32Array.from(new Uint8Array(buf));
  }
}
