// Which model is loaded for each task, and the progress of a load.
import type { StateCreator } from 'zustand';
import type { TaskKind } from '../../core/config';
import type { ConfirmRequest, ModelInfo } from '../../worker/protocol';
import type { AppState } from './index';

export interface LoadProgress {
  name: string;
  phase: 'download' | 'read' | 'parse';
  loaded: number;
  total: number | null;
  startedAt: number;
}

export interface ManifestEntry {
  task: TaskKind;
  weights: string;
  card: string;
}

export interface ModelSlice {
  models: Record<TaskKind, ModelInfo | null>;
  loading: LoadProgress | null;
  modelError: string | null;
  /** Set while an official checkpoint waits for the user to confirm n and T. */
  confirm: (ConfirmRequest & { name: string }) | null;
  /** null until /models/manifest.json was asked for; [] when no default model is shipped. */
  manifest: ManifestEntry[] | null;
  setModel: (task: TaskKind, info: ModelInfo | null) => void;
  setLoading: (p: LoadProgress | null) => void;
  setModelError: (message: string | null) => void;
  setConfirm: (c: ModelSlice['confirm']) => void;
  setManifest: (m: ManifestEntry[]) => void;
}

export const createModelSlice: StateCreator<AppState, [], [], ModelSlice> = (set) => ({
  models: { sudoku: null, maze: null, arc: null },
  loading: null,
  modelError: null,
  confirm: null,
  manifest: null,
  setModel: (task, info) => set((s) => ({ models: { ...s.models, [task]: info } })),
  setLoading: (loading) => set({ loading }),
  setModelError: (modelError) => set({ modelError }),
  setConfirm: (confirm) => set({ confirm }),
  setManifest: (manifest) => set({ manifest }),
});
