import type { ReactNode } from 'react';

type Tone = 'info' | 'warn' | 'error' | 'ok';

const TONE: Record<Tone, string> = {
  info: 'border-sky-800 bg-sky-950/60 text-sky-100',
  warn: 'border-amber-700 bg-amber-950/60 text-amber-100',
  error: 'border-rose-700 bg-rose-950/60 text-rose-100',
  ok: 'border-emerald-700 bg-emerald-950/60 text-emerald-100',
};

/** A message box; errors are announced to screen readers at once, the rest politely. */
export function Notice({ tone = 'info', children, testId }: { tone?: Tone; children: ReactNode; testId?: string }) {
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      data-testid={testId}
      className={`border rounded px-3 py-2 text-sm ${TONE[tone]}`}
    >
      {children}
    </div>
  );
}
