// The supervision-step visualizer: timeline, answer y with changed and wrong cells, confidence heatmap,
// halting curve, the finer view inside a step, and correctness. Pictures first, exact numbers on hover.
import { useMemo } from 'react';
import { arcCanvasOf, mazeCanvasOf, TASK_SHAPES } from '../../core/tasks';
import { ENGINE_LABELS } from '../../worker/protocol';
import { useStore } from '../store';
import type { ArcPuzzle } from '../store/puzzles';
import type { ViewsOfStep } from '../../core/trace';
import type { Run } from '../store/solveSlice';
import { GridCanvas } from '../common/GridCanvas';
import { paintArcGrid } from '../arc/palette';
import { CERTAINTY_TICKS, certainty, heat } from './colourScale';
import { evaluate, expectedTokens, tokenName } from './evaluate';
import { paintHeat, paintTokens } from './paintTokens';
import { Timeline } from './Timeline';
import { HaltCurve } from './HaltCurve';
import { InnerView } from './InnerView';

function diff(a: Int32Array, b: Int32Array | undefined): Uint8Array {
  const out = new Uint8Array(a.length);
  if (b) for (let i = 0; i < a.length; i++) out[i] = a[i] !== b[i] ? 1 : 0;
  return out;
}

export function Visualizer() {
  const task = useStore((s) => s.settings.task);
  const run = useStore((s) => s.runs[task]);
  return (
    <section aria-label="Visualizer" className="flex flex-col gap-3 min-w-0 border border-slate-800 rounded-lg p-3 bg-slate-900/30">
      <h2 className="text-base font-semibold">Supervision steps</h2>
      {run && run.steps.length > 0 ? (
        <RunView run={run} />
      ) : run?.status === 'running' ? (
        <p className="text-sm text-slate-400">Waiting for the first supervision step…</p>
      ) : (
        <p className="text-sm text-slate-400">
          Press Solve to watch the model think: each of the 16 supervision steps refines the answer y; the halting head says
          when it believes it is done. <span data-testid="runs-not-kept">Solves are not kept across reloads (your puzzles are): solve again to see one.</span>
        </p>
      )}
    </section>
  );
}

function viewsSummary(task: Run['task'], v: ViewsOfStep): string {
  if (task === 'arc')
    return `${v.valid[0]} of ${v.count} copies vote for this answer; shown: ${v.shown[0] === 0 ? 'the task as given' : `copy ${v.shown[0] + 1} (mapped back)`}; confidence = share of copies that agree on a cell`;
  const valid = v.valid[0] === 0 ? 'no try obeys the rules yet' : `${v.valid[0]} of ${v.count} tries obey the rules`;
  return `${valid}; shown: ${v.shown[0] === 0 ? 'the puzzle as given' : `try ${v.shown[0] + 1} (mapped back)`}`;
}

function RunView({ run }: { run: Run }) {
  const position = useStore((s) => Math.floor(s.playback.position));
  const innerSel = useStore((s) => s.playback.inner);
  // A maze or ARC model's canvas may be smaller than 30×30.
  const side = run.task === 'arc' ? arcCanvasOf(run.tokens.length) : run.task === 'maze' ? mazeCanvasOf(run.tokens.length) : null;
  const { rows, cols } = side ? { rows: side, cols: side } : TASK_SHAPES[run.task];
  // The solved puzzle never changes within a run, so the known solution is computed once per run.
  const expected = useMemo(() => expectedTokens(run), [run.requestId]);
  const evaluations = useMemo(() => run.steps.map((s) => evaluate(run, s.preds, expected)), [run.steps, expected]);
  const idx = Math.min(position, run.steps.length - 1);
  const step = run.steps[idx];
  const prev = run.steps[idx - 1];
  const inner = innerSel !== null ? step.inner?.[innerSel] : undefined;
  const preds = inner ? inner.preds : step.preds;
  const before = inner ? (innerSel! > 0 ? step.inner![innerSel! - 1].preds : prev?.preds) : prev?.preds;
  const changed = diff(preds, before);
  const changedCount = changed.reduce((a, v) => a + v, 0);
  // Before the first y update of step 1, y is H_init broadcast: an initial state, not an answer to judge.
  const initialY = !!inner && idx === 0 && !step.inner!.slice(0, innerSel! + 1).some((c) => c.target === 'y');
  const ev = initialY
    ? { solved: false, summary: 'initial state: y before its first update (no answer yet)', details: [], violations: new Set<number>(), wrong: new Set<number>() }
    : inner
      ? evaluate(run, preds, expected)
      : evaluations[idx];
  const haltAt = run.steps.findIndex((s) => s.qHalt[0] > 0) + 1;
  const meanConf = step.confidence.reduce((a, v) => a + v, 0) / step.confidence.length;
  const givens = run.task === 'sudoku' ? (run.puzzle as number[]) : undefined;
  const innerChanged = (step.inner ?? []).map((c, k) => {
    const b = k > 0 ? step.inner![k - 1].preds : prev?.preds;
    return diff(c.preds, b).reduce((a, v) => a + v, 0);
  });
  const maxCell = run.task === 'sudoku' ? 34 : 11;

  const describe = (i: number) => {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const lines = [`row ${r + 1}, column ${c + 1}`, `answer: ${tokenName(run.task, preds[i])}`];
    lines.push(`confidence: ${(step.confidence[i] * 100).toFixed(2)}%${inner ? ' (of the step result)' : ''}`);
    if (before && before[i] !== preds[i]) lines.push(`changed from: ${tokenName(run.task, before[i])}`);
    if (expected && expected[i] !== 0) lines.push(`expected: ${tokenName(run.task, expected[i])}${ev.wrong.has(i) ? '  ✗' : '  ✓'}`);
    if (ev.violations.has(i)) lines.push('breaks a Sudoku rule');
    return lines.join('\n');
  };

  const expectedGrid = run.task === 'arc' ? (run.puzzle as ArcPuzzle).test[run.testIndex]?.output : undefined;
  const stepLabel = inner ? `step ${idx + 1}, cycle ${inner.cycle + 1} call ${inner.call + 1} (${inner.target})` : `step ${idx + 1}`;
  const agreement = !!step.views && run.task === 'arc';
  const colour = agreement ? heat : (p: number) => heat(certainty(p));

  return (
    <div className="flex flex-col gap-4">
      <p className="text-xs text-slate-400">
        {run.modelName} · {run.engine ? ENGINE_LABELS[run.engine] : 'starting'} ·{' '}
        {run.status === 'running' ? `solving, ${run.steps.length} of ${run.totalSteps} steps` : run.status}
        {run.forced ? ' · solved despite the warning about its input' : ''}
      </p>
      <Timeline count={run.steps.length} total={run.totalSteps} evaluations={evaluations} haltAt={haltAt} streaming={run.status === 'running'} />
      <div
        className={`text-sm rounded px-2 py-1 ${ev.solved ? 'bg-emerald-950 text-emerald-200' : 'bg-slate-800 text-slate-200'}`}
        data-testid="step-summary"
        aria-live="polite"
      >
        <strong>{stepLabel[0].toUpperCase() + stepLabel.slice(1)}:</strong> {ev.summary} · {changedCount} cells changed · mean confidence{' '}
        <span data-testid="mean-confidence" data-value={meanConf}>{meanConf.toFixed(3)}</span>
        {ev.details.length > 0 && <span className="text-slate-400"> · {ev.details.slice(0, 3).join('; ')}</span>}
        {step.views && <span className="text-slate-400" data-testid="views-summary"> · {viewsSummary(run.task, step.views)}</span>}
      </div>
      <div className="flex flex-wrap gap-4 items-start">
        <figure className="flex flex-col gap-1 flex-1 min-w-[13rem] max-w-[21rem]">
          <figcaption className="text-xs text-slate-400">Answer y ({stepLabel}) · cyan = changed, red = wrong</figcaption>
          <GridCanvas
            rows={rows}
            cols={cols}
            maxCell={maxCell}
            paint={(ctx, size) => paintTokens(ctx, run.task, cols, preds, size, { givens, changed, wrong: ev.wrong, violations: ev.violations })}
            describe={describe}
            label={`Predicted answer at ${stepLabel}: ${ev.summary}, ${changedCount} cells changed`}
            testId="answer-grid"
          />
        </figure>
        <figure className="flex flex-col gap-1 flex-1 min-w-[13rem] max-w-[21rem]">
          <figcaption className="text-xs text-slate-400">
            {agreement ? 'Agreement (share of copies with this cell)' : 'Confidence (softmax probability of the answer), log scale near 100%'}, step {idx + 1}
          </figcaption>
          <GridCanvas
            rows={rows}
            cols={cols}
            maxCell={maxCell}
            paint={(ctx, size) => paintHeat(ctx, cols, step.confidence, size, colour)}
            describe={describe}
            label={`Confidence heatmap at step ${idx + 1}, mean ${meanConf.toFixed(3)}`}
            testId="confidence-heatmap"
          />
          <div className="flex flex-col gap-0.5 text-[10px] text-slate-400" aria-hidden data-testid="heat-legend">
            <span className="h-2 rounded" style={{ background: `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(heat).join(',')})` }} />
            <span className="relative h-3">
              {(agreement ? ([['0', 0], ['50%', 0.5], ['100%', 1]] as [string, number][]) : CERTAINTY_TICKS).map(([t, x]) => (
                <span key={t} className="absolute -translate-x-1/2 first:translate-x-0 last:-translate-x-full" style={{ left: `${x * 100}%` }}>
                  {t}
                </span>
              ))}
            </span>
          </div>
        </figure>
        {run.task === 'arc' && (
          <>
            <ArcFigure title="Decoded output" grid={ev.decoded} />
            <ArcFigure title="Expected output" grid={expectedGrid} />
          </>
        )}
      </div>
      <InnerView inner={step.inner} changedCounts={innerChanged} voted={run.task === 'arc' && !!step.views} />
      <HaltCurve steps={run.steps} total={run.totalSteps} current={idx} haltAt={haltAt} />
    </div>
  );
}

function ArcFigure({ title, grid }: { title: string; grid: number[][] | undefined }) {
  return (
    <figure className="flex flex-col gap-1 w-40">
      <figcaption className="text-xs text-slate-400">{title}{grid?.length ? ` ${grid.length}×${grid[0].length}` : ''}</figcaption>
      {grid?.length ? (
        <GridCanvas rows={grid.length} cols={grid[0].length} maxCell={12} paint={(ctx, s) => paintArcGrid(ctx, grid, s)} label={`${title}, ${grid.length} by ${grid[0].length}`} />
      ) : (
        <p className="text-xs text-slate-500">{title === 'Expected output' ? 'unknown for this task' : 'empty: the top-left cell is not a colour'}</p>
      )}
    </figure>
  );
}
