import { describe, expect, it } from 'vitest';
import { derivedSizes, swigluIntermediate, type TrmConfig } from '../../src/core/config';

const sudokuMlp: TrmConfig = {
  task: 'sudoku', hidden_size: 512, num_heads: 8, expansion: 4, L_layers: 2, L_cycles: 6, H_cycles: 3,
  halt_max_steps: 16, mlp_t: true, pos_encodings: 'none', seq_len: 81, vocab_size: 11, puzzle_emb_len: 16,
  puzzle_emb_ndim: 512, num_puzzle_identifiers: 1, rms_norm_eps: 1e-5, rope_theta: 10000,
};

describe('config', () => {
  it('rounds SwiGLU sizes up to multiples of 256 as the official code does (spec §0.6)', () => {
    expect(swigluIntermediate(512, 4)).toBe(1536);
    expect(swigluIntermediate(97, 4)).toBe(512);
    expect(swigluIntermediate(916, 4)).toBe(2560);
    expect(swigluIntermediate(64, 4)).toBe(256);
  });
  it('derives the sequence length with the 16-position prefix and 21 calls per step for Sudoku', () => {
    const d = derivedSizes(sudokuMlp);
    expect(d.seqTotal).toBe(97);
    expect(d.callsPerStep).toBe(21);
    expect(d.embedScale).toBeCloseTo(22.627417, 5);
  });
});
