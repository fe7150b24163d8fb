// The two model shapes the benchmark times, at three sizes:
//   full    — the published sizes: Sudoku TRM-MLP (hidden 512, S = 97, n = 6, T = 3) and the 30×30
//             attention model used for Maze/ARC (hidden 512, 8 heads, S = 916, n = 4, T = 3).
//   reduced — hidden 128 / 2 heads (head_dim 64 as in full) and a 15×15 maze grid (S = 241), every
//             cycle count as published: the default on emulated GPUs, where a full-size step takes
//             minutes (Sudoku) to tens of minutes (30×30 attention).
//   quick   — hidden 32 / 2 heads and a 10×10 maze grid: a smoke run of the whole pipeline.
// Weights are random (see random-bundle.ts): timing does not depend on their values.
import { DEFAULTS, type TrmConfig } from '../src/core/config';

export const BENCH_MODELS = ['sudoku', 'maze'] as const;
export type BenchModel = (typeof BENCH_MODELS)[number];

export const BENCH_SIZES = ['full', 'reduced', 'quick'] as const;
export type BenchSize = (typeof BENCH_SIZES)[number];

const SIZE_DIMS: Record<BenchSize, { hidden_size: number; num_heads: number }> = {
  full: { hidden_size: 512, num_heads: 8 },
  reduced: { hidden_size: 128, num_heads: 2 },
  quick: { hidden_size: 32, num_heads: 2 },
};

export function benchConfig(model: BenchModel, size: BenchSize): TrmConfig {
  const { hidden_size, num_heads } = SIZE_DIMS[size];
  const common = {
    ...DEFAULTS,
    hidden_size,
    num_heads,
    H_cycles: 3,
    puzzle_emb_ndim: hidden_size,
    num_puzzle_identifiers: 1,
  };
  if (model === 'sudoku')
    return { ...common, task: 'sudoku', L_cycles: 6, mlp_t: true, pos_encodings: 'none', seq_len: 81, vocab_size: 11 };
  const side = size === 'quick' ? 10 : size === 'reduced' ? 15 : 30;
  return { ...common, task: 'maze', L_cycles: 4, mlp_t: false, pos_encodings: 'rope', seq_len: side * side, vocab_size: 6 };
}

/** One line naming what is timed, e.g. "sudoku mlp_t h512 S=97 n=6 T=3". */
export function describeConfig(c: TrmConfig): string {
  const mixer = c.mlp_t ? 'mlp_t' : `attn ${c.num_heads}h`;
  return `${c.task} ${mixer} h${c.hidden_size} S=${c.seq_len + c.puzzle_emb_len} n=${c.L_cycles} T=${c.H_cycles}`;
}
