/// <reference lib="webworker" />
// The solver worker: parses models, hosts the engines, streams supervision steps back to the page.
import type { ModelBundle } from '../core/bundle';
import type { StepTrace } from '../core/trace';
import { chooseEngine, willUseWebGpu, type ChosenEngine } from './engines';
import { describeModel, parseModel, NeedsConfirmation } from './modelLoader';
import type { ConfirmedShape, EnginePreference, FromWorker, ModelSource, ToWorker } from './protocol';
import { makeTries, triesWanted } from './tries';

declare const self: DedicatedWorkerGlobalScope;

const models = new Map<string, ModelBundle>();
const engines = new Map<string, Promise<ChosenEngine>>();
const solves = new Map<number, AbortController>();
const waitingConfirm = new Map<number, (c: ConfirmedShape | null) => void>();
let nextModel = 1;

function send(msg: FromWorker, transfer: Transferable[] = []) {
  self.postMessage(msg, transfer);
}

function engineFor(modelId: string, pref: EnginePreference, batch: number): Promise<ChosenEngine> {
  const key = `${modelId}:${pref}:${batch}`;
  let e = engines.get(key);
  if (!e) {
    e = chooseEngine(models.get(modelId)!, pref, batch);
    e.catch(() => engines.delete(key));
    engines.set(key, e);
  }
  return e;
}

async function load(requestId: number, source: ModelSource) {
  let confirmed = source.format === 'official' ? source.confirmed : undefined;
  for (;;) {
    try {
      const bundle = await parseModel(source, confirmed);
      const id = `m${nextModel++}`;
      models.set(id, bundle);
      send({ type: 'loaded', requestId, info: await describeModel(id, source, bundle) });
      return;
    } catch (e) {
      if (!(e instanceof NeedsConfirmation)) throw e;
      send({ type: 'needs-confirmation', requestId, request: e.request });
      const answer = await new Promise<ConfirmedShape | null>((resolve) => waitingConfirm.set(requestId, resolve));
      if (!answer) throw new Error('loading was stopped because n and T were not confirmed.');
      confirmed = answer;
    }
  }
}

// Solves run one at a time: an engine's buffers serve one solve, and a cancelled solve may still be
// finishing its current step when the next one is asked for.
let queue: Promise<unknown> = Promise.resolve();

function enqueueSolve(msg: Extract<ToWorker, { type: 'solve' }>): Promise<void> {
  const abort = new AbortController();
  solves.set(msg.requestId, abort);
  const run = queue.then(() => solve(msg, abort));
  queue = run.catch(() => undefined);
  return run;
}

async function solve(msg: Extract<ToWorker, { type: 'solve' }>, abort: AbortController) {
  const { requestId } = msg;
  try {
    if (abort.signal.aborted) {
      send({ type: 'done', requestId, haltStep: 0, cancelled: true });
      return;
    }
    const bundle = models.get(msg.modelId);
    if (!bundle) throw new Error('That model is no longer loaded; load it again.');
    const count = triesWanted(bundle, msg.puzzleIds[0], msg.views, await willUseWebGpu(msg.engine));
    const tries = makeTries(bundle, msg.tokens, msg.puzzleIds, count);
    const chosen = await engineFor(msg.modelId, msg.engine, tries.count);
    send({ type: 'engine', requestId, kind: chosen.kind, notice: chosen.notice, views: tries.count });
    let haltStep = 0;
    const onStep = (step: StepTrace) => {
      const out = tries.merge(step);
      if (!haltStep && out.qHalt[0] > 0) haltStep = out.step;
      send({ type: 'step', requestId, step: out }, stepBuffers(out));
    };
    const trace = await chosen.engine.solve(tries.input, { steps: msg.steps, recordInner: msg.recordInner && !tries.dropsInner, signal: abort.signal, onStep });
    send({ type: 'done', requestId, haltStep, cancelled: !!trace.cancelled || abort.signal.aborted });
  } catch (e) {
    if (abort.signal.aborted) send({ type: 'done', requestId, haltStep: 0, cancelled: true });
    else throw e;
  } finally {
    solves.delete(requestId);
  }
}

function stepBuffers(s: StepTrace): Transferable[] {
  const list: Transferable[] = [s.preds.buffer, s.confidence.buffer, s.qHalt.buffer, s.qContinue.buffer];
  for (const i of s.inner ?? []) list.push(i.preds.buffer, i.yNorm.buffer, i.zNorm.buffer);
  if (s.views) list.push(s.views.shown.buffer, s.views.valid.buffer);
  return list as Transferable[];
}

function disposeModel(modelId: string) {
  models.delete(modelId);
  for (const [key, e] of engines) {
    if (!key.startsWith(`${modelId}:`)) continue;
    engines.delete(key);
    // After the solves already queued: one of them may still be using this engine.
    queue = queue.then(() => e.then((c) => c.engine.dispose(), () => undefined));
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  const fail = (err: unknown) =>
    send({ type: 'error', requestId: 'requestId' in msg ? msg.requestId : 0, message: (err as Error)?.message ?? String(err) });
  switch (msg.type) {
    case 'load':
      load(msg.requestId, msg.source).catch(fail);
      break;
    case 'confirm-load':
      waitingConfirm.get(msg.requestId)?.(msg.confirmed);
      waitingConfirm.delete(msg.requestId);
      break;
    case 'solve':
      enqueueSolve(msg).catch(fail);
      break;
    case 'cancel':
      solves.get(msg.requestId)?.abort();
      break;
    case 'unload':
      disposeModel(msg.modelId);
      break;
  }
};
