// Task codecs: grids ⇄ the official token layouts (docs/spec.md §3). Pure functions, no DOM.
import type { TaskKind } from '../config';

export * from './errors';
export * from './sudoku';
export * from './sudoku-csv';
export * from './sudoku-views';
export * from './maze';
export * from './arc';

/** The meaning of each token id, as stored in the app weight format's `token_map` metadata. */
export const TOKEN_MAPS: Record<TaskKind, readonly string[]> = {
  sudoku: ['PAD', 'blank', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  maze: ['PAD', '#', ' ', 'S', 'G', 'o'],
  arc: ['PAD', 'EOS', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

export interface TaskShape {
  seq_len: number; // tokens per puzzle, row-major, without the 16-position prefix
  vocab_size: number;
  rows: number;
  cols: number;
}

/** Sequence and grid sizes of the official datasets (the names match TrmConfig's). */
export const TASK_SHAPES: Record<TaskKind, TaskShape> = {
  sudoku: { seq_len: 81, vocab_size: 11, rows: 9, cols: 9 },
  maze: { seq_len: 900, vocab_size: 6, rows: 30, cols: 30 },
  arc: { seq_len: 900, vocab_size: 12, rows: 30, cols: 30 },
};
