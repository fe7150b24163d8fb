// Config consistency rules that protect the engines from silently wrong shapes.
import { describe, expect, it } from 'vitest';
import { configProblems, swigluIntermediate } from '../../src/core/config';
import { tinyConfig } from './reference-model';

describe('configProblems', () => {
  it('accepts the tiny test config', () => {
    expect(configProblems(tinyConfig())).toEqual([]);
  });

  it('names an odd head_dim under RoPE (rotate-half needs pairs)', () => {
    expect(configProblems(tinyConfig({ hidden_size: 6, num_heads: 2, puzzle_emb_ndim: 6 }))).toEqual(['head_dim 3 (hidden_size/num_heads) must be even for RoPE']);
  });

  it('allows an odd head_dim without RoPE or without attention', () => {
    expect(configProblems(tinyConfig({ hidden_size: 6, num_heads: 2, puzzle_emb_ndim: 6, pos_encodings: 'none' }))).toEqual([]);
    expect(configProblems(tinyConfig({ hidden_size: 6, num_heads: 2, puzzle_emb_ndim: 6, mlp_t: true }))).toEqual([]);
  });

  it('names hidden_size not divisible by num_heads once', () => {
    expect(configProblems(tinyConfig({ hidden_size: 8, num_heads: 3 }))).toEqual(['hidden_size 8 is not divisible by num_heads 3']);
  });
});

describe('swigluIntermediate', () => {
  it('rounds as Python does (halves to even), also for a fractional expansion', () => {
    expect(swigluIntermediate(512, 4)).toBe(1536);
    expect(swigluIntermediate(97, 4)).toBe(512); // the Sudoku token-mixing size
    expect(swigluIntermediate(513, 0.75)).toBe(256); // round(256.5) = 256 in Python, not 257
    expect(configProblems(tinyConfig({ expansion: 2.5 }))).toEqual([]);
    expect(configProblems(tinyConfig({ expansion: 0 }))[0]).toMatch(/expansion must be a positive number/);
  });
});
