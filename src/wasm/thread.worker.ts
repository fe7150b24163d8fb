// A helper thread of the wasm engine in the browser (spawned by threads-web.ts from the solver worker).
import { threadMain, type ThreadInit } from './threads';

self.onmessage = (e: MessageEvent<ThreadInit>) => threadMain(e.data, () => self.postMessage('ready'));
