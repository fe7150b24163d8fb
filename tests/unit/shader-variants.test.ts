import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { f16BitsToFloat } from '../../src/core/weights/float16';
import { packF16, withF16Operand } from '../../src/gpu/shader-variants';
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
