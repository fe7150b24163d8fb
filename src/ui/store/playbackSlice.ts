// Timeline position. `position` is fractional while playing; the shown step is floor(position).
import type { StateCreator } from 'zustand';
import type { AppState } from './index';

export interface PlaybackSlice {
  playback: {
    /** 0-based index into run.steps. */
    position: number;
    playing: boolean;
    /** Follow new steps while a solve streams in. */
    follow: boolean;
    /** Index into step.inner for the finer view, or null for the step's final answer. */
    inner: number | null;
  };
  setPlayback: (patch: Partial<PlaybackSlice['playback']>) => void;
}

export const createPlaybackSlice: StateCreator<AppState, [], [], PlaybackSlice> = (set) => ({
  playback: { position: 0, playing: false, follow: true, inner: null },
  setPlayback: (patch) => set((s) => ({ playback: { ...s.playback, ...patch } })),
});
