// Solve / Cancel, the progress "step k of 16", and the checks that come before a solve.
import { useEffect, useState } from 'react';
import { useStore } from '../store';
import { Button } from '../common/Button';
import { Notice } from '../common/Notice';
import { VIEW_CHOICES, VOTE_CHOICES } from '../store/settingsSlice';
import { ENGINE_LABELS, type EnginePreference, type ViewsPreference } from '../../worker/protocol';
import { autoTries } from '../../worker/tries';
import { ownValue } from '../../core/untrusted';
import { cardWeakness } from '../model/cardFields';
import { preflight } from './taskInput';
import { cancelSolve, startSolve } from './solveActions';

/** No bound on Sudoku views but the engine's own. */
const AUTO_SUDOKU = Infinity;

export function SolveBar() {
  const task = useStore((s) => s.settings.task);
  const puzzle = useStore((s) => s.puzzles[task].present);
  const model = useStore((s) => s.models[task]);
  const run = useStore((s) => s.runs[task]);
  const [message, setMessage] = useState<string | null>(null);
  const [askForce, setAskForce] = useState(false);
  const arcTests = task === 'arc' ? (puzzle as { test: unknown[] }).test.length : 0;
  const arcTest = useStore((s) => Math.min(s.settings.arcTest, Math.max(0, arcTests - 1)));
  const setSetting = useStore((s) => s.setSetting);
  const engineChoice = useStore((s) => s.settings.engine);
  const views = useStore((s) => s.settings.sudokuViews);
  const votes = useStore((s) => s.settings.arcVotes);
  const arcName = task === 'arc' ? (puzzle as { name: string }).name : '';
  const copies = (model?.puzzleCopies && ownValue(model.puzzleCopies, arcName)) ?? 0;
  const check = preflight(task, puzzle, model, arcTest);
  useEffect(() => {
    setMessage(null); // a message about the previous puzzle or model no longer applies
    setAskForce(false);
  }, [task, puzzle, model]);
  const recordInner = useStore((s) => s.settings.recordInner);
  const weak = model ? cardWeakness(model.card) : null;
  const running = run?.status === 'running';
  const done = run?.steps.length ?? 0;

  /** "auto (8 on WebGPU, 4 on the CPU engine)": what 'auto' runs on each engine for this model, at most `most`. */
  const autoText = (most: number) => {
    if (!model) return 'auto';
    const on = (kind: 'webgpu' | 'wasm') => {
      const n = Math.min(autoTries(model.config, kind), most);
      return n === most && most !== AUTO_SUDOKU ? `all ${n}` : String(n);
    };
    return `auto (${on('webgpu')} on WebGPU, ${on('wasm')} on the CPU engine)`;
  };

  const solve = (force: boolean) => {
    const problem = startSolve(force);
    setMessage(problem);
    setAskForce(!!problem && !force && check.blockers.length === 0 && check.warnings.length > 0);
  };

  return (
    <section aria-label="Solve" className="flex flex-col gap-2 border border-slate-800 rounded-lg p-3 bg-slate-900/40">
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="primary" className="px-5 py-1.5 text-base" onClick={() => solve(false)} disabled={running || check.blockers.length > 0}>
          Solve
        </Button>
        <Button variant="danger" onClick={cancelSolve} disabled={!running}>
          Cancel
        </Button>
        <label
          className="text-sm flex items-center gap-1"
          title="Fastest here: WebGPU on a real GPU; on a software GPU (SwiftShader, llvmpipe) one step is timed on WebGPU and on the CPU engine (WebAssembly) and the faster solves; without a GPU, the CPU engine. The CPU reference (plain TypeScript) is the exact ground truth."
        >
          Engine
          <select
            aria-label="Engine"
            value={engineChoice}
            onChange={(e) => setSetting('engine', e.target.value as EnginePreference)}
            className="bg-slate-800 border border-slate-700 rounded px-1 py-0.5"
          >
            <option value="auto">Fastest here</option>
            <option value="webgpu">{ENGINE_LABELS.webgpu}</option>
            <option value="wasm">{ENGINE_LABELS.wasm}</option>
            <option value="cpu">{ENGINE_LABELS.cpu}</option>
          </select>
        </label>
        {arcTests > 1 && (
          <label className="text-sm flex items-center gap-1">
            Test input
            <select
              aria-label="Test input to solve"
              value={arcTest}
              onChange={(e) => setSetting('arcTest', Number(e.target.value))}
              className="bg-slate-800 border border-slate-700 rounded px-1 py-0.5"
            >
              {Array.from({ length: arcTests }, (_, i) => (
                <option key={i} value={i}>{i + 1}</option>
              ))}
            </select>
          </label>
        )}
        {task === 'sudoku' && (
          <TriesSelect
            label="Tries"
            ariaLabel="Tries: views of the puzzle solved side by side"
            title="The puzzle is also solved relabelled, transposed and shuffled, side by side; the answer comes from the first try that obeys the rules."
            value={views}
            choices={VIEW_CHOICES}
            autoText={autoText(AUTO_SUDOKU)}
            onChange={(v) => setSetting('sudokuViews', v)}
          />
        )}
        {task === 'arc' && copies > 1 && (
          <TriesSelect
            label="Votes"
            ariaLabel="Votes: augmented copies of the task solved side by side"
            title="The model learnt this task under colour permutations and rotations/flips, one embedding row per copy. Every copy solves the test input as it sees it; the answers, mapped back, vote (the official ARC scoring)."
            value={votes}
            choices={VOTE_CHOICES}
            autoText={autoText(copies)}
            most={copies}
            onChange={(v) => setSetting('arcVotes', v)}
          />
        )}
        <div className="flex-1 min-w-[10rem]">
          {run && (
            <>
              <div className="text-sm" role="status" aria-live="polite" data-testid="solve-progress">
                {running ? `Step ${done} of ${run.totalSteps}` : run.status === 'done' ? `Done: ${done} of ${run.totalSteps} steps` : run.status === 'cancelled' ? `Cancelled after step ${done} of ${run.totalSteps}` : 'Failed'}
                {run.engine && <span className="text-slate-400"> · {ENGINE_LABELS[run.engine]}</span>}
                {(run.views ?? 1) > 1 && <span className="text-slate-400"> · {run.views} {run.task === 'arc' ? 'voting copies' : 'tries'}</span>}
              </div>
              <progress className="w-full h-1.5 accent-sky-500" max={run.totalSteps} value={done} aria-label="Supervision steps done" />
            </>
          )}
        </div>
      </div>
      <label className="flex items-center gap-2 text-xs text-slate-300">
        <input type="checkbox" checked={recordInner} onChange={(e) => setSetting('recordInner', e.target.checked)} />
        Record every recursion call (finer view inside a step)
      </label>
      {!model && (
        <p className="text-sm text-slate-400">No model loaded for this task yet: see the model panel.</p>
      )}
      {weak && (
        <Notice tone="warn" testId="weak-model">
          The loaded model is weak: {weak} Its answers will be wrong. For real answers, load a trained model in the model
          panel: a .safetensors file or URL, or an official step_N checkpoint with its all_config.yaml (drop the files on the page).
        </Notice>
      )}
      {model && check.blockers.some((b) => !check.shownInEditor.includes(b)) && (
        <Notice tone="warn">{check.blockers.filter((b) => !check.shownInEditor.includes(b)).join(' ')}</Notice>
      )}
      {run?.engineNotice && (
        <Notice tone={engineChoice === 'cpu' || engineChoice === 'wasm' ? 'info' : 'warn'} testId="engine-notice">
          {run.engineNotice}
        </Notice>
      )}
      {run?.status === 'error' && <Notice tone="error">The solve failed: {run.error}</Notice>}
      {message && (
        <Notice tone={askForce ? 'warn' : 'error'} testId="solve-message">
          <div className="flex flex-wrap items-center gap-2">
            <span>{message}</span>
            {askForce && (
              <Button onClick={() => solve(true)} className="ml-auto">
                Solve anyway
              </Button>
            )}
          </div>
        </Notice>
      )}
    </section>
  );
}

/** How many tries (Sudoku views, ARC copies) a solve runs side by side. */
function TriesSelect(p: {
  label: string;
  ariaLabel: string;
  title: string;
  value: ViewsPreference;
  choices: readonly ViewsPreference[];
  autoText: string;
  most?: number;
  onChange: (v: ViewsPreference) => void;
}) {
  return (
    <label className="text-sm flex items-center gap-1" title={p.title}>
      {p.label}
      <select
        aria-label={p.ariaLabel}
        value={String(p.value)}
        onChange={(e) => p.onChange(e.target.value === 'auto' ? 'auto' : Number(e.target.value))}
        className="bg-slate-800 border border-slate-700 rounded px-1 py-0.5"
      >
        {p.choices.map((v) => (
          <option key={v} value={String(v)}>
            {v === 'auto' ? p.autoText : v === 1 ? '1 (as given)' : Math.min(v, p.most ?? v)}
          </option>
        ))}
      </select>
    </label>
  );
}
