// Messages about the app itself (storage, share links), apart from the persisted store: showing one must never
// write to storage (a failed write is one of the things they report).
import { create } from 'zustand';

export interface AppNotice {
  id: string;
  text: string;
  /** A button beside the text, e.g. to go to the tab a model was loaded for. */
  action?: { label: string; run: () => void };
}

interface Notices {
  notices: AppNotice[];
  /** Shows `text` under `id`, replacing an earlier notice with that id. */
  show: (id: string, text: string, action?: AppNotice['action']) => void;
  dismiss: (id: string) => void;
}

export const useNotices = create<Notices>()((set) => ({
  notices: [],
  show: (id, text, action) =>
    set((s) =>
      s.notices.some((n) => n.id === id && n.text === text && !action) ? s : { notices: [...s.notices.filter((n) => n.id !== id), { id, text, action }] },
    ),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}));
