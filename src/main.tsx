import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './index.css';
import { App } from './ui/App';
import { initPlayer } from './ui/viz/player';
import { solverClient } from './worker/client';

initPlayer();

// The built app works offline after its first visit (src/offline/sw.js); the dev server has no service worker.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch((e: unknown) => console.info('offline use is not available:', e));
}

// Test hooks (Playwright): a GPU device loss on demand, as a driver reset would cause one.
(globalThis as { trmTest?: unknown }).trmTest = {
  loseGpuDeviceAfterStep: (step: number) => solverClient().loseDeviceAfterStep(step),
};

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
