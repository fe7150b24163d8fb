// Editors' state: one undo history per task.
import type { StateCreator } from 'zustand';
import type { TaskKind } from '../../core/config';
import { historyOf, record, redo, undo, type History } from './history';
import { emptyArc, emptyMaze, emptySudoku, type PuzzleOf } from './puzzles';
import type { AppState } from './index';

export interface PuzzleSlice {
  puzzles: { [K in TaskKind]: History<PuzzleOf[K]> };
  edit: <K extends TaskKind>(task: K, next: PuzzleOf[K], mode?: 'push' | 'replace') => void;
  undo: (task: TaskKind) => void;
  redo: (task: TaskKind) => void;
}

export const createPuzzleSlice: StateCreator<AppState, [], [], PuzzleSlice> = (set) => ({
  puzzles: { sudoku: historyOf(emptySudoku()), maze: historyOf(emptyMaze()), arc: historyOf(emptyArc()) },
  edit: (task, next, mode = 'push') =>
    set((s) => ({ puzzles: { ...s.puzzles, [task]: record(s.puzzles[task] as History<typeof next>, next, mode) } })),
  undo: (task) => set((s) => ({ puzzles: { ...s.puzzles, [task]: undo(s.puzzles[task] as History<unknown>) } })),
  redo: (task) => set((s) => ({ puzzles: { ...s.puzzles, [task]: redo(s.puzzles[task] as History<unknown>) } })),
});
