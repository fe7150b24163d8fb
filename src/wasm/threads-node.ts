// Helper threads for the wasm engine in Node (the CLI, the benchmark, tests): worker_threads running
// threadMain from its source text, so no separate file has to be found or transpiled at run time.
import { Worker } from 'node:worker_threads';
import { threadMain, type ThreadSpawner } from './threads';

// esbuild (tsx, vitest) may wrap functions in __name(...) for their names; the helper has no such global.
const SOURCE = `const __name = (f) => f;
const { parentPort } = require('node:worker_threads');
parentPort.once('message', (init) => (${threadMain.toString()})(init, () => parentPort.postMessage('ready')));`;

export const spawnNodeThread: ThreadSpawner = (init) => {
  const worker = new Worker(SOURCE, { eval: true });
  worker.unref(); // an idle helper must not keep a CLI process alive
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`a wasm helper thread exited (code ${code}) before it was ready`)));
  });
  worker.postMessage(init);
  return { ready, terminate: () => void worker.terminate() };
};
