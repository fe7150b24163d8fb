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

/**
 * Copies out every loop marked `// unroll` — `for (var i = 0u; i < NAME; i++) { // unroll` — as one block per
 * index, each declaring `const i = <index>u;`, so the body's private-array indices become constants. NAME must
 * be a module-scope `const NAME: u32 = <n>u;` of the same source. Nested marked loops are copied out too.
 */
export function unrollLoops(source: string, what: string): string {
  const counts = new Map<string, number>();
  for (const m of source.matchAll(/^const (\w+): u32 = (\d+)u;/gm)) counts.set(m[1], Number(m[2]));
  const marked = /for \(var (\w+) = 0u; \1 < (\w+); \1\+\+\) \{ \/\/ unroll\n/;
  let out = source;
  for (let m = marked.exec(out); m; m = marked.exec(out)) {
    const [loop, index, bound] = m;
    const n = counts.get(bound);
    if (n === undefined) throw new Error(`shader variant: ${what} unrolls a loop over ${bound}, which is not a module-scope u32 const`);
    const bodyStart = m.index + loop.length;
    let depth = 1;
    let end = bodyStart;
    for (; depth > 0; end++) {
      if (end >= out.length) throw new Error(`shader variant: unbalanced braces after "${loop.trim()}" in ${what}`);
      if (out[end] === '{') depth++;
      else if (out[end] === '}') depth--;
    }
    const body = out.slice(bodyStart, end - 1);
    const copies = Array.from({ length: n }, (_, i) => `{ const ${index} = ${i}u;\n${body}}`).join(' ');
    out = out.slice(0, m.index) + copies + out.slice(end);
  }
  return out;
}

/** shaders/attention.wgsl for one head_dim (a multiple of 8, ≤ 64): HEAD_DIM, D4 and HALF4 set, loops unrolled. */
export function attentionForHeadDim(source: string, headDim: number): string {
  const what = 'shaders/attention.wgsl';
  let s = replaceOnce(source, 'const HEAD_DIM: u32 = 64u;', `const HEAD_DIM: u32 = ${headDim}u;`, what);
  s = replaceOnce(s, 'const D4: u32 = 16u;', `const D4: u32 = ${headDim / 4}u;`, what);
  s = replaceOnce(s, 'const HALF4: u32 = 8u;', `const HALF4: u32 = ${headDim / 8}u;`, what);
  return unrollLoops(s, what);
}

/** f32 values → IEEE half bits, two per u32 (element 2k in the low half), padded to an even count. */
export function packF16(values: Float32Array): Uint32Array {
  const out = new Uint32Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) out[i >> 1] |= floatToF16Bits(values[i]) << ((i & 1) * 16);
  return out;
}
