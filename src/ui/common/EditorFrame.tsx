// Wraps an editor: undo/redo buttons and Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) anywhere inside it.
import type { KeyboardEvent, ReactNode } from 'react';
import type { TaskKind } from '../../core/config';
import { useStore } from '../store';
import { Button } from './Button';

export function isTextField(t: EventTarget | null): boolean {
  return t instanceof HTMLElement && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
}

export function EditorFrame({ task, title, toolbar, children }: { task: TaskKind; title: string; toolbar?: ReactNode; children: ReactNode }) {
  const canUndo = useStore((s) => s.puzzles[task].past.length > 0);
  const canRedo = useStore((s) => s.puzzles[task].future.length > 0);
  const undo = useStore((s) => s.undo);
  const redo = useStore((s) => s.redo);

  const onKeyDown = (e: KeyboardEvent) => {
    if (isTextField(e.target) || !(e.ctrlKey || e.metaKey)) return;
    const k = e.key.toLowerCase();
    if (k === 'z' && !e.shiftKey) undo(task);
    else if ((k === 'z' && e.shiftKey) || k === 'y') redo(task);
    else return;
    e.preventDefault();
  };

  return (
    <section aria-label={title} onKeyDown={onKeyDown} className="flex flex-col gap-3 min-w-0">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-base font-semibold mr-auto">{title}</h2>
        <Button onClick={() => undo(task)} disabled={!canUndo} aria-label="Undo (Ctrl+Z)" title="Undo (Ctrl+Z)">
          ↶ Undo
        </Button>
        <Button onClick={() => redo(task)} disabled={!canRedo} aria-label="Redo (Ctrl+Shift+Z)" title="Redo (Ctrl+Shift+Z)">
          ↷ Redo
        </Button>
      </div>
      {toolbar}
      {children}
    </section>
  );
}
