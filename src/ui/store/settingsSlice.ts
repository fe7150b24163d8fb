// User settings that persist across reloads.
import type { StateCreator } from 'zustand';
import type { TaskKind } from '../../core/config';
import type { EnginePreference, ViewsPreference } from '../../worker/protocol';
import type { AppState } from './index';

export type MazeTool = 'wall' | 'erase' | 'start' | 'goal';
export type ArcTool = 'pencil' | 'fill' | 'flood';

export interface Settings {
  task: TaskKind;
  engine: EnginePreference;
  /** Sudoku: test-time views solved side by side (src/core/tasks/sudoku-views.ts). */
  sudokuViews: ViewsPreference;
  /** ARC: augmented copies of the task that vote (src/core/tasks/arc-votes.ts). */
  arcVotes: ViewsPreference;
  recordInner: boolean;
  /** Playback speed in supervision steps per second. */
  speed: number;
  mazeTool: MazeTool;
  arcTool: ArcTool;
  arcColour: number;
  /** ARC: which test input Solve runs on (0-based). */
  arcTest: number;
  /** URL of the last model loaded from the web, to offer again. */
  lastModelUrl: string;
  /** Cache key of the model last loaded for each task, reloaded from the Cache API on the next visit. */
  modelKeys: Partial<Record<TaskKind, string>>;
}

export interface SettingsSlice {
  settings: Settings;
  setSetting: <K extends keyof Settings>(key: K, value: Settings[K]) => void;
}

export const DEFAULT_SETTINGS: Settings = {
  task: 'sudoku',
  engine: 'auto',
  sudokuViews: 'auto',
  arcVotes: 'auto',
  recordInner: true,
  speed: 4,
  mazeTool: 'wall',
  arcTool: 'pencil',
  arcColour: 1,
  arcTest: 0,
  lastModelUrl: '',
  modelKeys: {},
};

export const VIEW_CHOICES: readonly ViewsPreference[] = ['auto', 1, 4, 8, 16];
export const VOTE_CHOICES: readonly ViewsPreference[] = ['auto', 1, 8, 32];

/** Persisted settings over the defaults; a value this version does not offer falls back to its default. */
export function restoreSettings(saved: Partial<Settings> | undefined): Settings {
  const settings = { ...DEFAULT_SETTINGS, ...(saved ?? {}) };
  if (!VIEW_CHOICES.includes(settings.sudokuViews)) settings.sudokuViews = DEFAULT_SETTINGS.sudokuViews;
  if (!VOTE_CHOICES.includes(settings.arcVotes)) settings.arcVotes = DEFAULT_SETTINGS.arcVotes;
  return settings;
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: DEFAULT_SETTINGS,
  setSetting: (key, value) => set((s) => ({ settings: { ...s.settings, [key]: value } })),
});
