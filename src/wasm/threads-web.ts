// Helper threads for the wasm engine in the browser: module Web Workers (bundled by Vite from thread.worker.ts).
import type { ThreadSpawner } from './threads';

export const spawnWebThread: ThreadSpawner = (init) => {
  const worker = new Worker(new URL('./thread.worker.ts', import.meta.url), { type: 'module', name: `wasm-thread-${init.index}` });
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (e) => reject(new Error(`a wasm helper thread failed to start: ${e.message || 'no message'}`));
  });
  worker.postMessage(init);
  return { ready, terminate: () => worker.terminate() };
};
