// Starting and cancelling solves: steps stream from the worker into the store as they arrive.
import { solverClient } from '../../worker/client';
import { useStore } from '../store';
import { encodePuzzle, preflight } from './taskInput';

let current: { task: string; requestId: number } | null = null;

/** Starts a solve of the puzzle on screen; `force` runs despite warnings (never despite blockers). */
export function startSolve(force = false): string | null {
  const s = useStore.getState();
  const task = s.settings.task;
  const model = s.models[task];
  const puzzle = s.puzzles[task].present;
  const testIndex = task === 'arc' ? Math.min(s.settings.arcTest, (puzzle as { test: unknown[] }).test.length - 1) : 0;
  const check = preflight(task, puzzle, model, testIndex);
  if (check.blockers.length) return check.blockers.join(' ');
  if (check.warnings.length && !force) return check.warnings.join(' ');
  let tokens: Int32Array;
  try {
    tokens = encodePuzzle(task, puzzle, testIndex, model!.config.seq_len);
  } catch (e) {
    return (e as Error).message;
  }
  const running = s.runs[task];
  if (running?.status === 'running') solverClient().cancel(running.requestId);
  const steps = model!.config.halt_max_steps;
  const { requestId, done } = solverClient().solve(
    {
      modelId: model!.id,
      tokens,
      puzzleIds: Int32Array.of(check.puzzleId),
      steps,
      recordInner: s.settings.recordInner,
      engine: s.settings.engine,
      views: task === 'arc' ? s.settings.arcVotes : s.settings.sudokuViews,
    },
    {
      onEngine: (kind, notice, views) => useStore.getState().patchRun(task, requestId, { engine: kind, engineNotice: notice, views }),
      onStep: (step) => {
        const st = useStore.getState();
        st.addStep(task, requestId, step);
        const n = st.runs[task]?.steps.length ?? 0; // st is the state before addStep
        if (st.playback.follow && st.settings.task === task) useStore.getState().setPlayback({ position: n, inner: null });
      },
    },
  );
  current = { task, requestId };
  s.startRun({
    requestId,
    task,
    status: 'running',
    modelName: model!.name,
    totalSteps: steps,
    puzzle,
    testIndex,
    tokens,
    steps: [],
    haltStep: 0,
    forced: check.warnings.length > 0,
  });
  s.setPlayback({ position: 0, playing: false, follow: true, inner: null });
  done.then(
    ({ haltStep, cancelled }) => {
      if (useStore.getState().runs[task]?.status === 'cancelled') return; // cancelled in the UI already
      useStore.getState().patchRun(task, requestId, { status: cancelled ? 'cancelled' : 'done', haltStep });
    },
    (e: Error) => useStore.getState().patchRun(task, requestId, { status: 'error', error: e.message }),
  );
  return null;
}

/** Stops at once in the UI; the worker stops at its next check (an engine may finish the step it is in). */
export function cancelSolve() {
  const s = useStore.getState();
  const run = s.runs[s.settings.task];
  if (run?.status === 'running') {
    solverClient().cancel(run.requestId);
    s.patchRun(run.task, run.requestId, { status: 'cancelled' });
  } else if (current) solverClient().cancel(current.requestId);
}
