// Undo/redo for one editor: snapshots of immutable values. A drag stroke pushes once and then replaces.
export interface History<T> {
  past: T[];
  present: T;
  future: T[];
}

const LIMIT = 200;

export function historyOf<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** 'push' records an undo point; 'replace' changes the present in place (inside a stroke). */
export function record<T>(h: History<T>, next: T, mode: 'push' | 'replace' = 'push'): History<T> {
  if (next === h.present) return h;
  if (mode === 'replace') return { ...h, present: next };
  return { past: [...h.past.slice(-LIMIT + 1), h.present], present: next, future: [] };
}

export function undo<T>(h: History<T>): History<T> {
  if (!h.past.length) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future] };
}

export function redo<T>(h: History<T>): History<T> {
  if (!h.future.length) return h;
  return { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1) };
}
