/// <reference lib="webworker" />
// The solver worker: a thin shell over SolverHost (src/worker/host.ts), which Node tests drive directly.
import { SolverHost } from './host';
import type { ToWorker } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const host = new SolverHost((msg, transfer = []) => self.postMessage(msg, transfer));
self.onmessage = (e: MessageEvent<ToWorker>) => host.handle(e.data);
