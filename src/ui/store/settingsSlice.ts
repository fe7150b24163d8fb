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

const TASKS: readonly TaskKind[] = ['sudoku', 'maze', 'arc'];
const oneOf = <T>(choices: readonly T[]) => (v: unknown): v is T => choices.includes(v as T);
const isInt = (lo: number, hi: number) => (v: unknown): v is number => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
const isShortText = (v: unknown): v is string => typeof v === 'string' && v.length <= 4096;

/** What each stored field may hold; a field that fails keeps its default and the others are kept. */
const SETTING_CHECKS: { [K in keyof Settings]: (v: unknown) => boolean } = {
  task: oneOf(TASKS),
  engine: oneOf<EnginePreference>(['auto', 'webgpu', 'wasm', 'cpu']),
  sudokuViews: oneOf(VIEW_CHOICES),
  arcVotes: oneOf(VOTE_CHOICES),
  recordInner: (v) => typeof v === 'boolean',
  speed: (v) => typeof v === 'number' && v >= 0.25 && v <= 64,
  mazeTool: oneOf<MazeTool>(['wall', 'erase', 'start', 'goal']),
  arcTool: oneOf<ArcTool>(['pencil', 'fill', 'flood']),
  arcColour: isInt(0, 9),
  arcTest: isInt(0, 15),
  lastModelUrl: isShortText,
  modelKeys: (v) =>
    !!v && typeof v === 'object' && !Array.isArray(v) && Object.entries(v).every(([k, key]) => TASKS.includes(k as TaskKind) && isShortText(key)),
};

/** Persisted settings, field by field over the defaults: a value this version does not offer falls back to its default. */
export function restoreSettings(saved: unknown): Settings {
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  if (saved && typeof saved === 'object' && !Array.isArray(saved))
    for (const [key, ok] of Object.entries(SETTING_CHECKS)) {
      if (!Object.hasOwn(saved, key)) continue;
      const v = (saved as Record<string, unknown>)[key];
      if (ok(v)) settings[key] = key === 'modelKeys' ? { ...(v as object) } : v;
    }
  return settings as unknown as Settings;
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: DEFAULT_SETTINGS,
  setSetting: (key, value) => set((s) => ({ settings: { ...s.settings, [key]: value } })),
});
