// Solve runs: steps stream in from the worker as they arrive; one run per task is kept.
import type { StateCreator } from 'zustand';
import type { TaskKind } from '../../core/config';
import type { StepTrace } from '../../core/trace';
import type { EngineKind } from '../../worker/protocol';
import type { PuzzleOf } from './puzzles';
import type { AppState } from './index';

export type RunStatus = 'running' | 'done' | 'cancelled' | 'error';

export interface Run<K extends TaskKind = TaskKind> {
  requestId: number;
  task: K;
  status: RunStatus;
  modelName: string;
  totalSteps: number;
  /** The puzzle as it was when Solve was pressed (the editor may change afterwards). */
  puzzle: PuzzleOf[K];
  /** ARC: which test input was solved. */
  testIndex: number;
  tokens: Int32Array;
  steps: StepTrace[];
  engine?: EngineKind;
  engineNotice?: string;
  /** Sudoku views solved side by side (1 = the puzzle as given only). */
  views?: number;
  haltStep: number;
  error?: string;
  /** True when the user chose to solve although the input breaks the rules. */
  forced: boolean;
}

export interface SolveSlice {
  runs: Record<TaskKind, Run | null>;
  startRun: (run: Run) => void;
  patchRun: (task: TaskKind, requestId: number, patch: Partial<Run>) => void;
  addStep: (task: TaskKind, requestId: number, step: StepTrace) => void;
}

export const createSolveSlice: StateCreator<AppState, [], [], SolveSlice> = (set) => ({
  runs: { sudoku: null, maze: null, arc: null },
  startRun: (run) => set((s) => ({ runs: { ...s.runs, [run.task]: run } })),
  patchRun: (task, requestId, patch) =>
    set((s) => {
      const run = s.runs[task];
      if (!run || run.requestId !== requestId) return {};
      return { runs: { ...s.runs, [task]: { ...run, ...patch } } };
    }),
  addStep: (task, requestId, step) =>
    set((s) => {
      const run = s.runs[task];
      if (!run || run.requestId !== requestId || run.status !== 'running') return {}; // late steps after a cancel
      return { runs: { ...s.runs, [task]: { ...run, steps: [...run.steps, step] } } };
    }),
});
