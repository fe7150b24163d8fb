import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { TaskKind } from '../core/config';
import { useStore } from './store';
import { SudokuEditor } from './sudoku/SudokuEditor';
import { MazeEditor } from './maze/MazeEditor';
import { ArcEditor } from './arc/ArcEditor';
import { SolveBar } from './solve/SolveBar';
import { Visualizer } from './viz/Visualizer';
import { ModelPanel } from './model/ModelPanel';
import { ShareButton } from './share/ShareButton';
import { applySharedHash } from './share/share';
import { useNotices } from './store/notices';
import { Notice } from './common/Notice';
import { Button } from './common/Button';

const TABS: { id: TaskKind; label: string }[] = [
  { id: 'sudoku', label: 'Sudoku' },
  { id: 'maze', label: 'Maze' },
  { id: 'arc', label: 'ARC' },
];

const EDITORS: Record<TaskKind, () => React.JSX.Element> = { sudoku: SudokuEditor, maze: MazeEditor, arc: ArcEditor };

export function App() {
  const task = useStore((s) => s.settings.task);
  const setSetting = useStore((s) => s.setSetting);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  useEffect(() => {
    applySharedHash();
    const onHash = () => applySharedHash();
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const onTabKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === task);
    const j = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : -1;
    if (j < 0) return;
    e.preventDefault();
    setSetting('task', TABS[j].id);
    tabRefs.current[TABS[j].id]?.focus();
  };

  const Editor = EDITORS[task];
  return (
    <div className="min-h-screen px-4 py-3 max-w-[120rem] mx-auto">
      <header className="flex flex-wrap items-center gap-x-6 gap-y-2 mb-4">
        <h1 className="text-xl font-semibold">
          TRM solver <span className="text-sm font-normal text-slate-400">Tiny Recursion Models in your browser</span>
        </h1>
        <nav role="tablist" aria-label="Task" className="flex gap-1" onKeyDown={onTabKey}>
          {TABS.map((t) => (
            <button
              key={t.id}
              ref={(el) => {
                tabRefs.current[t.id] = el;
              }}
              id={`tab-${t.id}`}
              role="tab"
              aria-selected={task === t.id}
              aria-controls="task-panel"
              tabIndex={task === t.id ? 0 : -1}
              className={`px-4 py-1.5 rounded ${task === t.id ? 'bg-sky-600 text-white' : 'bg-slate-800 hover:bg-slate-700'}`}
              onClick={() => setSetting('task', t.id)}
            >
              {t.label}
            </button>
          ))}
        </nav>
        <div className="ml-auto">
          <ShareButton />
        </div>
      </header>
      <AppNotices />
      <main className="grid gap-6 items-start lg:grid-cols-2 lg:grid-rows-[auto_1fr] 2xl:grid-rows-1 2xl:grid-cols-[minmax(0,1fr)_minmax(0,1.2fr)_24rem] lg:[grid-template-areas:'editor_viz''editor_model'] 2xl:[grid-template-areas:'editor_viz_model']">
        <div role="tabpanel" id="task-panel" aria-labelledby={`tab-${task}`} aria-label={task} className="flex flex-col gap-4 min-w-0 lg:[grid-area:editor] lg:row-span-2 2xl:row-span-1">
          <Editor />
          <SolveBar />
        </div>
        <div className="min-w-0 lg:[grid-area:viz]">
          <Visualizer />
        </div>
        <div className="min-w-0 lg:[grid-area:model]">
          <ModelPanel />
        </div>
      </main>
    </div>
  );
}

/** Messages about the app itself (storage full, a share link that could not be read), each dismissable. */
function AppNotices() {
  const { notices, dismiss } = useNotices();
  if (!notices.length) return null;
  return (
    <div className="flex flex-col gap-2 mb-4">
      {notices.map((n) => (
        <Notice key={n.id} tone="warn" testId={`app-notice-${n.id}`}>
          <div className="flex flex-wrap items-center gap-2">
            <span>{n.text}</span>
            <span className="ml-auto flex gap-2">
              {n.action && (
                <Button
                  variant="primary"
                  onClick={() => {
                    n.action!.run();
                    dismiss(n.id);
                  }}
                >
                  {n.action.label}
                </Button>
              )}
              <Button onClick={() => dismiss(n.id)}>Dismiss</Button>
            </span>
          </div>
        </Notice>
      ))}
    </div>
  );
}
