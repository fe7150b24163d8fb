// Play / pause / step / scrub through the supervision steps, speed, and a strip of per-step correctness.
import { useStore } from '../store';
import { Button } from '../common/Button';
import { goTo, pause, play } from './player';
import type { Evaluation } from './evaluate';

const SPEEDS = [1, 2, 4, 8, 16];

export function Timeline({ count, total, evaluations, haltAt, streaming }: { count: number; total: number; evaluations: Evaluation[]; haltAt: number; streaming: boolean }) {
  const position = useStore((s) => Math.floor(s.playback.position));
  const playing = useStore((s) => s.playback.playing);
  const follow = useStore((s) => s.playback.follow);
  const setPlayback = useStore((s) => s.setPlayback);
  const speed = useStore((s) => s.settings.speed);
  const setSetting = useStore((s) => s.setSetting);
  const current = Math.min(position, count - 1);

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <Button onClick={() => goTo(current - 1)} disabled={current <= 0} aria-label="Previous step">◀</Button>
        {playing ? (
          <Button onClick={pause} aria-label="Pause" className="w-20">❚❚ Pause</Button>
        ) : (
          <Button onClick={play} disabled={count < 2} aria-label="Play" className="w-20">▶ Play</Button>
        )}
        <Button onClick={() => goTo(current + 1)} disabled={current >= count - 1} aria-label="Next step">▶</Button>
        <span className="text-sm tabular-nums" data-testid="timeline-step">
          Step {count ? current + 1 : 0} of {total}
        </span>
        {streaming && !follow && (
          <Button onClick={() => setPlayback({ follow: true, playing: false, inner: null, position: count - 1 })} className="text-xs">
            Follow newest step
          </Button>
        )}
        <label className="ml-auto text-sm flex items-center gap-1">
          Speed
          <select
            aria-label="Playback speed"
            value={speed}
            onChange={(e) => setSetting('speed', Number(e.target.value))}
            className="bg-slate-800 border border-slate-700 rounded px-1 py-0.5"
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>{s} steps/s</option>
            ))}
          </select>
        </label>
      </div>
      <input
        type="range"
        min={1}
        max={Math.max(1, count)}
        value={count ? current + 1 : 1}
        disabled={count < 2}
        onChange={(e) => goTo(Number(e.target.value) - 1)}
        aria-label="Supervision step"
        aria-valuetext={`Step ${current + 1} of ${total}`}
        className="w-full accent-sky-500"
      />
      <div className="grid gap-0.5" style={{ gridTemplateColumns: `repeat(${total}, minmax(0, 1fr))` }} aria-label="Correctness per step">
        {Array.from({ length: total }, (_, k) => {
          const ev = evaluations[k];
          const colour = !ev ? 'bg-slate-800' : ev.solved ? 'bg-emerald-500' : 'bg-rose-600/80';
          return (
            <button
              type="button"
              key={k}
              disabled={!ev}
              onClick={() => goTo(k)}
              title={ev ? `Step ${k + 1}: ${ev.summary}${haltAt === k + 1 ? ' · the halting head would stop here' : ''}` : `Step ${k + 1}: not computed yet`}
              aria-label={ev ? `Step ${k + 1}: ${ev.solved ? 'correct' : 'not correct'}` : `Step ${k + 1}: pending`}
              className={`h-3 rounded-sm ${colour} ${k === current ? 'ring-2 ring-sky-300' : ''} ${haltAt === k + 1 ? 'outline outline-1 outline-amber-300' : ''}`}
            />
          );
        })}
      </div>
    </div>
  );
}
