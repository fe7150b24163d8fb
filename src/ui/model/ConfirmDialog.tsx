// Asks for n (L_cycles) and T (H_cycles) when an official checkpoint came without its all_config.yaml.
import { useEffect, useRef, useState } from 'react';
import type { TaskKind } from '../../core/config';
import type { ConfirmRequest } from '../../worker/protocol';
import { Button } from '../common/Button';
import { answerConfirm } from './modelActions';

const PRESETS: Record<TaskKind, { n: number; T: number }> = { sudoku: { n: 6, T: 3 }, maze: { n: 4, T: 3 }, arc: { n: 4, T: 3 } };

export function ConfirmDialog({ request }: { request: ConfirmRequest & { name: string } }) {
  const [task, setTask] = useState<TaskKind>(request.guess.task);
  const [n, setN] = useState(request.guess.L_cycles);
  const [T, setT] = useState(request.guess.H_cycles);
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div role="dialog" aria-modal="false" aria-labelledby="confirm-title" className="flex flex-col gap-2 rounded border border-amber-600 bg-amber-950/40 p-3 text-sm">
      <h3 id="confirm-title" className="font-semibold">Confirm the recursion settings of {request.name}</h3>
      <p className="text-amber-100">{request.message}</p>
      <div className="flex flex-wrap gap-3 items-center">
        <label className="flex items-center gap-1">
          Task
          <select
            ref={first}
            value={task}
            onChange={(e) => {
              const t = e.target.value as TaskKind;
              setTask(t);
              setN(PRESETS[t].n);
              setT(PRESETS[t].T);
            }}
            className="bg-slate-800 border border-slate-700 rounded px-1"
          >
            <option value="sudoku">Sudoku (preset n 6, T 3)</option>
            <option value="maze">Maze (preset n 4, T 3)</option>
            <option value="arc">ARC (preset n 4, T 3)</option>
          </select>
        </label>
        <label className="flex items-center gap-1">
          n (L_cycles)
          <input type="number" min={1} max={16} value={n} onChange={(e) => setN(Number(e.target.value))} className="w-14 bg-slate-900 border border-slate-700 rounded px-1" />
        </label>
        <label className="flex items-center gap-1">
          T (H_cycles)
          <input type="number" min={1} max={16} value={T} onChange={(e) => setT(Number(e.target.value))} className="w-14 bg-slate-900 border border-slate-700 rounded px-1" />
        </label>
      </div>
      <div className="flex gap-2">
        <Button variant="primary" onClick={() => answerConfirm({ task, L_cycles: n, H_cycles: T })} disabled={!(n >= 1 && T >= 1)}>
          Use these settings
        </Button>
        <Button onClick={() => answerConfirm(null)}>Cancel loading</Button>
      </div>
    </div>
  );
}
