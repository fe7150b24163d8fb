// Times our wasm CPU engine (src/wasm): `createWasmEngine(bundle, { threads, spawn })` (not timed: module
// compile, weight layout, helper threads), one untimed solve of `warmup` steps that also records step 1's
// logits for the agreement check, then one solve of `steps` steps timed as a whole and divided by `steps` —
// what a user waits for, as for the WebGPU column. The helper-thread spawner is injected: worker_threads in
// Node (spawnNodeThread), Web Workers in the page (spawnWebThread).
import type { ModelBundle } from '../src/core/bundle';
import type { SolveInput } from '../src/core/trace';
import { createWasmEngine } from '../src/wasm/engine';
import type { ThreadSpawner } from '../src/wasm/threads';
import { timeSolve } from './time-solve';

export interface WasmTiming {
  msPerStep: number;
  firstLogits?: Float32Array;
  /** Threads the engine ran on (facts.threads) and, when fewer than asked, why (facts.limitedBy). */
  threads: number;
  limitedBy?: string;
}

/** Times our wasm engine on `threads` threads: mean ms per supervision step after `warmup` untimed steps. */
export type WasmTimer = (bundle: ModelBundle, input: SolveInput, steps: number, warmup: number, threads: number) => Promise<WasmTiming>;

export function makeWasmTimer(spawn?: ThreadSpawner): WasmTimer {
  return async (bundle, input, steps, warmup, threads) => {
    const engine = await createWasmEngine(bundle, { threads, spawn });
    try {
      const timing = await timeSolve(engine, input, steps, warmup);
      const { threads: used, limitedBy } = engine.facts;
      return { ...timing, threads: used, ...(limitedBy ? { limitedBy } : {}) };
    } finally {
      engine.dispose();
    }
  };
}
