// The puzzle types the editors work on (UI-side, before a task codec turns them into tokens).
import type { TaskKind } from '../../core/config';

/** 81 cells, row-major: 0 = blank, 1..9 = digit. */
export type SudokuCells = number[];

/** 900 characters, row-major over 30×30: '#' wall, ' ' open, 'S' start, 'G' goal. */
export type MazeText = string;

export type ArcGrid = number[][]; // rows of colours 0..9

export interface ArcPair {
  input: ArcGrid;
  output: ArcGrid;
}

export interface ArcPuzzle {
  /** Task id, e.g. '007bbfb7' for a gallery task; free text for a drawn one. */
  name: string;
  /** Where it came from: 'gallery:training', 'import', 'drawn'. */
  source: string;
  train: ArcPair[];
  test: { input: ArcGrid; output?: ArcGrid }[];
}

/** Which grid of an ARC puzzle the editor is drawing on. */
export interface ArcTarget {
  part: 'train' | 'test';
  index: number;
  side: 'input' | 'output';
}

export interface PuzzleOf {
  sudoku: SudokuCells;
  maze: MazeText;
  arc: ArcPuzzle;
}

export const MAZE_SIZE = 30;
export const ARC_MAX = 30;

export function emptySudoku(): SudokuCells {
  return new Array(81).fill(0);
}

export function emptyMaze(): MazeText {
  const rows: string[] = [];
  for (let r = 0; r < MAZE_SIZE; r++) {
    let row = '';
    for (let c = 0; c < MAZE_SIZE; c++) row += r === 0 || c === 0 || r === MAZE_SIZE - 1 || c === MAZE_SIZE - 1 ? '#' : ' ';
    rows.push(row);
  }
  return rows.join('');
}

export function blankGrid(rows: number, cols: number, colour = 0): ArcGrid {
  return Array.from({ length: rows }, () => new Array(cols).fill(colour));
}

export function emptyArc(): ArcPuzzle {
  return {
    name: 'my-task',
    source: 'drawn',
    train: [{ input: blankGrid(3, 3), output: blankGrid(3, 3) }],
    test: [{ input: blankGrid(3, 3) }],
  };
}

export function arcGridAt(p: ArcPuzzle, t: ArcTarget): ArcGrid | undefined {
  if (t.part === 'train') return p.train[t.index]?.[t.side];
  const test = p.test[t.index];
  return t.side === 'input' ? test?.input : test?.output;
}

/** A copy of the puzzle with one grid replaced. */
export function withArcGrid(p: ArcPuzzle, t: ArcTarget, grid: ArcGrid): ArcPuzzle {
  if (t.part === 'train') {
    const train = p.train.map((pair, i) => (i === t.index ? { ...pair, [t.side]: grid } : pair));
    return { ...p, train };
  }
  const test = p.test.map((pair, i) => (i === t.index ? { ...pair, [t.side]: grid } : pair));
  return { ...p, test };
}

export const TASK_LABEL: Record<TaskKind, string> = { sudoku: 'Sudoku', maze: 'Maze', arc: 'ARC' };
