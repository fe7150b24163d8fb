// From the editor's puzzle to the engine's input, and the checks to run before a solve.
import type { TaskKind } from '../../core/config';
import { encodeSudoku, sudokuConflicts } from '../../core/tasks/sudoku';
import { encodeMaze, mazeCanvasOf, mazeForModel, parseMaze } from '../../core/tasks/maze';
import { arcCanvasOf, encodeArcGrid, fitsCanvas, type ArcGrid } from '../../core/tasks/arc';
import { ownValue } from '../../core/untrusted';
import type { ModelInfo } from '../../worker/protocol';
import type { ArcPuzzle, MazeText, PuzzleOf } from '../store/puzzles';
import { mazeProblems, mazeToText } from '../maze/mazeText';

export interface Preflight {
  /** Stop the solve: the input cannot be encoded or the model cannot take it. */
  blockers: string[];
  /** The model can run, but the answer will be meaningless or the input breaks the rules: ask first. */
  warnings: string[];
  /** The puzzle-embedding row to use. */
  puzzleId: number;
  /** Blockers the editor already shows beside the grid (the solve bar does not repeat them). */
  shownInEditor: string[];
}

export function preflight(task: TaskKind, puzzle: PuzzleOf[TaskKind], model: ModelInfo | null, testIndex = 0): Preflight {
  const blockers: string[] = [];
  const warnings: string[] = [];
  const shownInEditor: string[] = [];
  let puzzleId = 0;
  if (!model) blockers.push('No model is loaded for this task: load one in the model panel.');
  if (task === 'sudoku') {
    const cells = puzzle as number[];
    if (cells.every((v) => v === 0)) blockers.push('The grid is empty: type a puzzle, paste one or pick an example.');
    const bad = sudokuConflicts(cells).length;
    if (bad) warnings.push(`The puzzle contradicts itself (${bad} cells share a digit in a row, column or box), so it has no solution.`);
  } else if (task === 'maze') {
    const problems = mazeProblems(puzzle as MazeText);
    blockers.push(...problems);
    shownInEditor.push(...problems); // MazeEditor lists them under the grid
    // A model with a smaller canvas reads the top-left of the 30×30 editor: the rest must be walls.
    if (!problems.length && model && mazeCanvasOf(model.config.seq_len) !== null) {
      try {
        mazeForModel(parseMaze(mazeToText(puzzle as MazeText)), model.config.seq_len);
      } catch (e) {
        blockers.push((e as Error).message);
      }
    }
  } else {
    const arc = puzzle as ArcPuzzle;
    const test = arc.test[testIndex];
    if (!test) blockers.push('The task has no test input.');
    const canvas = model ? arcCanvasOf(model.config.seq_len) : null;
    const larger = (g: ArcGrid) => canvas !== null && !fitsCanvas(g, canvas);
    if (canvas !== null && test && larger(test.input))
      blockers.push(
        `The test input is ${test.input.length}×${test.input[0].length} but the loaded model's canvas is ${canvas}×${canvas}: it cannot read this grid. Load a model with a larger canvas (the official one is 30×30).`,
      );
    else if (canvas !== null && test?.output && larger(test.output))
      warnings.push(
        `The expected output is ${test.output.length}×${test.output[0].length}, larger than the loaded model's ${canvas}×${canvas} canvas, so the model cannot produce it.`,
      );
    const row = model?.puzzleRows ? ownValue(model.puzzleRows, arc.name) : undefined;
    if (row !== undefined) puzzleId = row;
    else if (model)
      warnings.push(
        `The model has no puzzle embedding for "${arc.name}" (it was not trained on this task), so it runs with the blank embedding and its answer will be meaningless (docs/spec.md §7).`,
      );
  }
  if (model && !seqLenFits(task, model.config.seq_len))
    blockers.push(
      `The loaded model reads ${model.config.seq_len} cells per puzzle but a ${task} puzzle has ${task === 'sudoku' ? 81 : 'a square canvas of up to 900 (30×30)'}; load a ${task} model.`,
    );
  return { blockers, warnings, puzzleId, shownInEditor };
}

export function expectedSeqLen(task: TaskKind): number {
  return task === 'sudoku' ? 81 : 900;
}

/** Maze and ARC models may use a smaller square canvas than the official 30×30; Sudoku's size is fixed. */
function seqLenFits(task: TaskKind, seqLen: number): boolean {
  if (task === 'sudoku') return seqLen === expectedSeqLen(task);
  return (task === 'arc' ? arcCanvasOf(seqLen) : mazeCanvasOf(seqLen)) !== null;
}

/** The model's input tokens; `seqLen` (the model's) sets the maze or ARC canvas. */
export function encodePuzzle(task: TaskKind, puzzle: PuzzleOf[TaskKind], testIndex = 0, seqLen = expectedSeqLen(task)): Int32Array {
  if (task === 'sudoku') return encodeSudoku(puzzle as number[]);
  if (task === 'maze') return encodeMaze(mazeForModel(parseMaze(mazeToText(puzzle as MazeText)), seqLen));
  return encodeArcGrid((puzzle as ArcPuzzle).test[testIndex].input, { canvas: arcCanvasOf(seqLen) ?? undefined });
}
