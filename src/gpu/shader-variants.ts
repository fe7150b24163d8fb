// Source variants of the matmul shaders for a weight operand stored as f16 (design: f16 storage packed in
// u32, f32 accumulation, so no `shader-f16` feature is needed). Pure text rewriting of one operand's
// declaration and load function; it throws when the expected lines are missing, so a shader edit cannot
// silently drop the variant.
import { floatToF16Bits } from '../core/weights/float16';

export type F16Operand = 'A' | 'B';
export type MatmulShaderName = 'matmul' | 'matmul_vec4';

function replaceOnce(source: string, from: string, to: string, what: string): string {
  const at = source.indexOf(from);
  if (at < 0 || source.indexOf(from, at + 1) >= 0) throw new Error(`shader variant: expected exactly one "${from}" in ${what}`);
  return source.slice(0, at) + to + source.slice(at + from.length);
}

export function withF16Operand(source: string, shader: MatmulShaderName, operand: F16Operand): string {
  const lower = operand.toLowerCase();
  const what = `shaders/${shader}.wgsl`;
  if (shader === 'matmul_vec4') {
    // Four halves in a vec2<u32>: the same index in vec4 units.
    const s = replaceOnce(source, `var<storage, read> ${operand}: array<vec4f>;`, `var<storage, read> ${operand}: array<vec2u>;`, what);
    return replaceOnce(s, `fn load_${lower}(i: u32) -> vec4f { return ${operand}[i]; }`,
      `fn load_${lower}(i: u32) -> vec4f { let w = ${operand}[i]; return vec4f(unpack2x16float(w.x), unpack2x16float(w.y)); }`, what);
  }
  const s = replaceOnce(source, `var<storage, read> ${operand}: array<f32>;`, `var<storage, read> ${operand}: array<u32>;`, what);
  return replaceOnce(s, `fn load_${lower}(i: u32) -> f32 { return ${operand}[i]; }`,
    `fn load_${lower}(i: u32) -> f32 { return unpack2x16float(${operand}[i / 2u])[i % 2u]; }`, what);
}

/** f32 values → IEEE half bits, two per u32 (element 2k in the low half), padded to an even count. */
export function packF16(values: Float32Array): Uint32Array {
  const out = new Uint32Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) out[i >> 1] |= floatToF16Bits(values[i]) << ((i & 1) * 16);
  return out;
}
