// One store split into slices. Puzzles and settings persist in localStorage; runs and models do not.
import { create } from 'zustand';
import { persist, createJSONStorage } from 'zustand/middleware';
import { createPuzzleSlice, type PuzzleSlice } from './puzzleSlice';
import { createSettingsSlice, restoreSettings, type SettingsSlice } from './settingsSlice';
import { createModelSlice, type ModelSlice } from './modelSlice';
import { createSolveSlice, type SolveSlice } from './solveSlice';
import { createPlaybackSlice, type PlaybackSlice } from './playbackSlice';
import { historyOf } from './history';
import { restorePuzzles, type StoredPuzzles } from './restore';
import { useNotices } from './notices';

/**
 * localStorage that never throws into the app: when a write fails (the quota is full), the state is written again
 * without the ARC task (the only part that can be large), and the user is told what is not kept.
 */
export const safeLocalStorage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = {
  getItem: (key) => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  setItem: (key, value) => {
    try {
      localStorage.setItem(key, value);
      useNotices.getState().dismiss('storage');
      return;
    } catch {
      // Retry below without the largest part.
    }
    try {
      const doc = JSON.parse(value) as { state?: { puzzles?: { arc?: unknown } } };
      if (doc.state?.puzzles) delete doc.state.puzzles.arc;
      localStorage.setItem(key, JSON.stringify(doc));
      useNotices.getState().show('storage', "The browser's storage is full: the ARC task is not kept across reloads; everything else is.");
    } catch {
      useNotices.getState().show('storage', "The browser's storage is full or unavailable: changes are not kept across reloads. The app works on.");
    }
  },
  removeItem: (key) => {
    try {
      localStorage.removeItem(key);
    } catch {
      // nothing to keep
    }
  },
};

export type AppState = PuzzleSlice & SettingsSlice & ModelSlice & SolveSlice & PlaybackSlice;

export const STORAGE_KEY = 'trm-solver';

interface Persisted {
  puzzles: StoredPuzzles;
  settings: SettingsSlice['settings'];
}

export const useStore = create<AppState>()(
  persist(
    (...a) => ({
      ...createPuzzleSlice(...a),
      ...createSettingsSlice(...a),
      ...createModelSlice(...a),
      ...createSolveSlice(...a),
      ...createPlaybackSlice(...a),
    }),
    {
      name: STORAGE_KEY,
      version: 1,
      storage: createJSONStorage(() => safeLocalStorage),
      partialize: (s): Persisted => ({
        puzzles: { sudoku: s.puzzles.sudoku.present, maze: s.puzzles.maze.present, arc: s.puzzles.arc.present },
        settings: s.settings,
      }),
      merge: (persisted, current) => {
        const p = (persisted ?? {}) as Partial<Persisted>;
        const restored = restorePuzzles(p.puzzles);
        return {
          ...current,
          settings: restoreSettings(p.settings),
          puzzles: {
            sudoku: restored.sudoku ? historyOf(restored.sudoku) : current.puzzles.sudoku,
            maze: restored.maze ? historyOf(restored.maze) : current.puzzles.maze,
            arc: restored.arc ? historyOf(restored.arc) : current.puzzles.arc,
          },
        };
      },
    },
  ),
);

/** The run of the task on screen. */
export const selectRun = (s: AppState) => s.runs[s.settings.task];
