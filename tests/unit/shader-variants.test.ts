import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { f16BitsToFloat } from '../../src/core/weights/float16';
import { attentionForHeadDim, packF16, unrollLoops, withF16Operand } from '../../src/gpu/shader-variants';
import { isMatmulWeight } from '../../src/gpu/weights';

const source = (name: string) => readFileSync(`shaders/${name}.wgsl`, 'utf8');

describe('withF16Operand', () => {
  it('rewrites exactly one operand of each matmul shader to packed f16', () => {
    const v4 = withF16Operand(source('matmul_vec4'), 'matmul_vec4', 'B');
    expect(v4).toContain('var<storage, read> B: array<vec2u>;');
    expect(v4).toContain('var<storage, read> A: array<vec4f>;');
    expect(v4).toMatch(/fn load_b\(i: u32\) -> vec4f \{ let w = B\[i\]; return vec4f\(unpack2x16float\(w\.x\), unpack2x16float\(w\.y\)\); \}/);
    const gen = withF16Operand(source('matmul'), 'matmul', 'A');
    expect(gen).toContain('var<storage, read> A: array<u32>;');
    expect(gen).toContain('unpack2x16float(A[i / 2u])[i % 2u]');
    expect(gen).toContain('var<storage, read> B: array<f32>;');
  });
  it('refuses a source without the expected declaration or load function', () => {
    expect(() => withF16Operand('fn main() {}', 'matmul', 'A')).toThrow(/expected exactly one/);
  });
});

describe('unrollLoops and attentionForHeadDim', () => {
  it('copies out marked loops, nested ones too, each copy with its index a const', () => {
    const src = 'const N: u32 = 2u;\nconst M: u32 = 3u;\nfn f() {\n  for (var i = 0u; i < N; i++) { // unroll\n    for (var j = 0u; j < M; j++) { // unroll\n      a[i] += b[j];\n    }\n  }\n  for (var k = 0u; k < N; k++) { x(k); }\n}\n';
    const out = unrollLoops(src, 'test');
    expect(out).not.toContain('// unroll');
    expect(out.match(/a\[i\] \+= b\[j\];/g)).toHaveLength(6);
    expect(out.match(/const i = 1u;/g)).toHaveLength(1);
    expect(out.match(/const j = 2u;/g)).toHaveLength(2);
    expect(out).toContain('for (var k = 0u; k < N; k++) { x(k); }'); // unmarked loops stay
    expect(() => unrollLoops('fn f() {\n  for (var i = 0u; i < Q; i++) { // unroll\n  }\n}', 'test')).toThrow(/not a module-scope u32 const/);
    expect(() => unrollLoops('const Q: u32 = 1u;\n  for (var i = 0u; i < Q; i++) { // unroll\n  {', 'test')).toThrow(/unbalanced/);
  });
  it('specialises the attention shader: no marked loop is left, the sizes follow head_dim', () => {
    const a16 = attentionForHeadDim(source('attention'), 16);
    expect(a16).toContain('const D4: u32 = 4u;');
    expect(a16).toContain('const HALF4: u32 = 2u;');
    expect(a16).not.toMatch(/\{ \/\/ unroll\n/);
    expect(a16.match(/const c = 3u;/g)!.length).toBeGreaterThan(1);
    expect(a16).not.toContain('const c = 4u;');
    expect(attentionForHeadDim(source('attention'), 64).length).toBeGreaterThan(a16.length);
  });
});

describe('packF16', () => {
  it('puts element 2k in the low half and pads an odd count', () => {
    const packed = packF16(Float32Array.from([1, -2, 0.5]));
    expect(packed).toHaveLength(2);
    expect(f16BitsToFloat(packed[0] & 0xffff)).toBe(1);
    expect(f16BitsToFloat(packed[0] >>> 16)).toBe(-2);
    expect(f16BitsToFloat(packed[1] & 0xffff)).toBe(0.5);
    expect(packed[1] >>> 16).toBe(0);
  });
});

describe('isMatmulWeight', () => {
  it('selects the projection weights only', () => {
    expect(isMatmulWeight('L_level.layers.0.self_attn.qkv_proj.weight')).toBe(true);
    expect(isMatmulWeight('L_level.layers.1.mlp_t.down_proj.weight')).toBe(true);
    expect(isMatmulWeight('L_level.layers.1.mlp.gate_up_proj.weight')).toBe(true);
    expect(isMatmulWeight('lm_head.weight')).toBe(false);
    expect(isMatmulWeight('embed_tokens.embedding_weight')).toBe(false);
    expect(isMatmulWeight('q_head.weight')).toBe(false);
  });
});
