// Inside one supervision step: the answer y decoded after every recursion call (T cycles of n latent
// updates and one answer update), with the RMS of y and z.
import type { InnerTrace } from '../../core/trace';
import { useStore } from '../store';

export function InnerView({ inner, changedCounts, voted }: { inner: InnerTrace[] | undefined; changedCounts: number[]; voted?: boolean }) {
  const selected = useStore((s) => s.playback.inner);
  const setPlayback = useStore((s) => s.setPlayback);
  if (!inner?.length && voted)
    return <p className="text-sm text-slate-400">Inside the step: not recorded when copies vote (each copy has its own calls); solve with Votes 1 to see y after each call.</p>;
  if (!inner?.length)
    return <p className="text-sm text-slate-400">Inside the step: turn on “Record every recursion call” before solving to see y after each call.</p>;
  const maxNorm = Math.max(...inner.map((c) => Math.max(c.yNorm[0], c.zNorm[0])), 1e-6);
  return (
    <div className="flex flex-col gap-1">
      <div className="text-sm text-slate-300">
        Inside this step: y decoded after each recursion call (z = latent update, y = answer update). Bars: RMS of y (blue) and z (violet).
      </div>
      <div role="radiogroup" aria-label="Recursion call" className="flex flex-wrap gap-1 items-end">
        {inner.map((c, k) => (
          <button
            key={k}
            type="button"
            role="radio"
            aria-checked={selected === k}
            onClick={() => setPlayback({ inner: selected === k ? null : k, playing: false, follow: false })}
            title={`Cycle ${c.cycle + 1}, call ${c.call + 1}: updates ${c.target === 'y' ? 'the answer y' : 'the latent z'}; RMS y = ${c.yNorm[0].toFixed(4)}, RMS z = ${c.zNorm[0].toFixed(4)}; ${changedCounts[k]} cells of y's answer changed`}
            aria-label={`Cycle ${c.cycle + 1}, call ${c.call + 1}, updates ${c.target}`}
            className={`flex flex-col items-center px-1 pt-1 rounded border text-[10px] ${selected === k ? 'border-sky-400 bg-sky-950' : 'border-slate-700 hover:border-slate-500'} ${c.target === 'y' ? 'mr-2' : ''}`}
          >
            <span className="flex gap-0.5 items-end h-8">
              <span className="w-1.5 bg-sky-400" style={{ height: `${(c.yNorm[0] / maxNorm) * 100}%` }} />
              <span className="w-1.5 bg-violet-400" style={{ height: `${(c.zNorm[0] / maxNorm) * 100}%` }} />
            </span>
            <span className={c.target === 'y' ? 'text-sky-300 font-semibold' : 'text-slate-400'}>{c.target}</span>
          </button>
        ))}
        <button
          type="button"
          role="radio"
          aria-checked={selected === null}
          onClick={() => setPlayback({ inner: null })}
          className={`px-2 py-1 rounded border text-xs ${selected === null ? 'border-sky-400 bg-sky-950' : 'border-slate-700'}`}
        >
          step result
        </button>
      </div>
    </div>
  );
}
