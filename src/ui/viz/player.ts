// Timeline playback at display rate, outside React: a requestAnimationFrame loop writes the fractional
// position into the store; components select floor(position) and re-render only when the step changes.
import { useStore } from '../store';

let last = 0;
let running = false;

function tick(now: number) {
  const s = useStore.getState();
  if (!s.playback.playing) {
    running = false;
    return;
  }
  const run = s.runs[s.settings.task];
  const n = run?.steps.length ?? 0;
  const pos = s.playback.position + ((now - last) / 1000) * s.settings.speed;
  last = now;
  if (pos >= n - 1) {
    // At the newest step: wait for more while solving, else stop.
    if (run?.status === 'running') s.setPlayback({ position: Math.max(0, n - 1) });
    else s.setPlayback({ position: Math.max(0, n - 1), playing: false });
  } else s.setPlayback({ position: pos });
  requestAnimationFrame(tick);
}

let started = false;
export function initPlayer() {
  if (started) return;
  started = true;
  useStore.subscribe((s, prev) => {
    if (s.playback.playing && !prev.playback.playing && !running) {
      running = true;
      last = performance.now();
      requestAnimationFrame(tick);
    }
  });
}

export function play() {
  const s = useStore.getState();
  const n = s.runs[s.settings.task]?.steps.length ?? 0;
  if (n < 2) return;
  const atEnd = Math.floor(s.playback.position) >= n - 1;
  s.setPlayback({ playing: true, follow: false, inner: null, position: atEnd ? 0 : s.playback.position });
}

export function pause() {
  const s = useStore.getState();
  s.setPlayback({ playing: false, position: Math.floor(s.playback.position) });
}

export function goTo(step: number) {
  const s = useStore.getState();
  const n = s.runs[s.settings.task]?.steps.length ?? 0;
  s.setPlayback({ position: Math.max(0, Math.min(n - 1, step)), playing: false, follow: false });
}
