import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './index.css';
import { App } from './ui/App';
import { initPlayer } from './ui/viz/player';
import { solverClient } from './worker/client';

initPlayer();

// Test hooks (Playwright): a GPU device loss on demand, as a driver reset would cause one.
(globalThis as { trmTest?: unknown }).trmTest = {
  loseGpuDeviceAfterStep: (step: number) => solverClient().loseDeviceAfterStep(step),
};

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
