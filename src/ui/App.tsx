import { useState } from 'react';
import type { TaskKind } from '../core/config';

const TABS: { id: TaskKind; label: string }[] = [
  { id: 'sudoku', label: 'Sudoku' },
  { id: 'maze', label: 'Maze' },
  { id: 'arc', label: 'ARC' },
];

export function App() {
  const [task, setTask] = useState<TaskKind>('sudoku');
  return (
    <div className="min-h-screen p-4">
      <header className="flex items-center gap-4 mb-4">
        <h1 className="text-xl font-semibold">TRM solver</h1>
        <nav role="tablist" aria-label="Task" className="flex gap-2">
          {TABS.map((t) => (
            <button
              key={t.id}
              role="tab"
              aria-selected={task === t.id}
              className={`px-3 py-1 rounded ${task === t.id ? 'bg-sky-600' : 'bg-slate-800'}`}
              onClick={() => setTask(t.id)}
            >
              {t.label}
            </button>
          ))}
        </nav>
      </header>
      <main role="tabpanel" aria-label={task}>
        <p className="text-slate-400">Editor for {task} comes here.</p>
      </main>
    </div>
  );
}
