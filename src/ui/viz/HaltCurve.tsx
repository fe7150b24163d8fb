// The halting head over the steps: sigmoid(q_halt) with the 0.5 threshold and the step where it would stop.
import type { StepTrace } from '../../core/trace';
import { sigmoid } from './colourScale';
import { goTo } from './player';

const W = 360;
const H = 130;
const PAD = { l: 34, r: 10, t: 10, b: 24 };

export function HaltCurve({ steps, total, current, haltAt }: { steps: StepTrace[]; total: number; current: number; haltAt: number }) {
  const x = (k: number) => PAD.l + (total > 1 ? (k / (total - 1)) * (W - PAD.l - PAD.r) : 0);
  const y = (p: number) => PAD.t + (1 - p) * (H - PAD.t - PAD.b);
  const probs = steps.map((s) => sigmoid(s.qHalt[0]));
  const path = probs.map((p, k) => `${k ? 'L' : 'M'}${x(k).toFixed(1)},${y(p).toFixed(1)}`).join(' ');
  return (
    <figure className="flex flex-col gap-1">
      <figcaption className="text-sm text-slate-300">
        Halting head: P(halt) = sigmoid(q_halt) per step.{' '}
        {haltAt ? <span>It would stop at step {haltAt}.</span> : steps.length ? <span>It has not passed 0.5 yet.</span> : null}{' '}
        <span className="text-slate-500">(Evaluation always runs all {total} steps.)</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className="w-full max-w-[32rem]" role="img" aria-label={`Halting probability per step${haltAt ? `, crosses 0.5 at step ${haltAt}` : ''}`}>
        <rect x={PAD.l} y={PAD.t} width={W - PAD.l - PAD.r} height={H - PAD.t - PAD.b} fill="#0f172a" />
        {[0, 0.5, 1].map((p) => (
          <g key={p}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(p)} y2={y(p)} stroke={p === 0.5 ? '#f59e0b' : '#334155'} strokeDasharray={p === 0.5 ? '4 3' : undefined} />
            <text x={PAD.l - 4} y={y(p) + 4} fontSize="10" textAnchor="end" fill="#94a3b8">{p}</text>
          </g>
        ))}
        {Array.from({ length: total }, (_, k) => (
          <text key={k} x={x(k)} y={H - 8} fontSize="9" textAnchor="middle" fill="#64748b">{(k + 1) % 2 === 1 || total <= 8 ? k + 1 : ''}</text>
        ))}
        {steps.length > 0 && current < steps.length && (
          <line x1={x(current)} x2={x(current)} y1={PAD.t} y2={H - PAD.b} stroke="#38bdf8" strokeWidth="1.5" />
        )}
        {haltAt > 0 && (
          <g>
            <line x1={x(haltAt - 1)} x2={x(haltAt - 1)} y1={PAD.t} y2={H - PAD.b} stroke="#f59e0b" strokeWidth="1" />
            <text x={x(haltAt - 1) + 3} y={PAD.t + 10} fontSize="9" fill="#fbbf24">stop</text>
          </g>
        )}
        <path d={path} fill="none" stroke="#a78bfa" strokeWidth="2" />
        {probs.map((p, k) => (
          <circle key={k} cx={x(k)} cy={y(p)} r={k === current ? 4.5 : 3} fill={p > 0.5 ? '#fbbf24' : '#a78bfa'} className="cursor-pointer" onClick={() => goTo(k)}>
            <title>{`Step ${k + 1}: q_halt = ${steps[k].qHalt[0].toFixed(4)}, P(halt) = ${p.toFixed(4)}, q_continue = ${steps[k].qContinue[0].toFixed(4)}`}</title>
          </circle>
        ))}
      </svg>
    </figure>
  );
}
