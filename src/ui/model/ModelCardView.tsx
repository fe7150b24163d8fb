// What the loaded model is, compactly: name, size, what it was trained on, how good it is (an accuracy table and
// a plain line, WEAK where it is); the long notes, config, commands and the whole card behind a disclosure.
import type { ModelInfo } from '../../worker/protocol';
import { formatBytes, formatCount } from './format';
import { cardAccuracy, cardAccuracySummary, cardCommand, cardTrainedOn, cardTrainingTime, cardVerdict, cardWeakness } from './cardFields';

function Row({ k, v }: { k: string; v: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-400 break-words">{k}</dt>
      <dd className="font-mono text-slate-100 break-words min-w-0">{v}</dd>
    </>
  );
}

const pct = (v?: number) => (v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);

export function ModelCardView({ info }: { info: ModelInfo }) {
  const c = info.config;
  const card = info.card ?? {};
  const command = cardCommand(card);
  const trainedOn = cardTrainedOn(card);
  const time = cardTrainingTime(card);
  const weak = cardWeakness(info.card);
  const verdict = cardVerdict(card);
  const { rows, tries } = cardAccuracySummary(card);
  const network = `${c.mlp_t ? 'MLP-mixer' : 'attention'}, hidden ${c.hidden_size}`;
  return (
    <div className="flex flex-col gap-2" data-testid="model-card">
      <div className="flex flex-wrap items-baseline gap-x-2">
        <span className="font-semibold break-all">{info.name}</span>
        {weak && (
          <span className="rounded bg-amber-700 px-1.5 text-xs font-semibold text-amber-50" data-testid="model-weak-badge">
            WEAK
          </span>
        )}
      </div>
      <p className="text-xs text-slate-300" data-testid="model-summary">
        {network} · {formatCount(info.parameterCount)} parameters · {formatBytes(info.bytes)}
        {trainedOn ? ` · trained on ${trainedOn}` : ''}
        {time ? ` (${time})` : ''}
      </p>
      {weak ? (
        <p className="text-sm text-amber-200" data-testid="model-verdict">{weak}</p>
      ) : (
        verdict && <p className="text-sm text-slate-200" data-testid="model-verdict">{verdict}</p>
      )}
      {rows.length > 0 && (
        <table className="text-xs" aria-label="Exact accuracy">
          <thead>
            <tr className="text-slate-400">
              <th className="text-left font-normal">exact answers on</th>
              <th className="text-right font-normal">one pass</th>
              {tries !== undefined && <th className="text-right font-normal">{tries} tries</th>}
            </tr>
          </thead>
          <tbody className="font-mono">
            {rows.map((r) => (
              <tr key={r.split}>
                <td className="pr-2 break-all">{r.split}</td>
                <td className="text-right">{pct(r.onePass)}</td>
                {tries !== undefined && <td className="text-right">{pct(r.withTries)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details className="text-xs" data-testid="model-details">
        <summary className="cursor-pointer text-slate-400">Details: notes, network, training commands, the whole card</summary>
        <div className="mt-2 flex flex-col gap-2">
          {typeof card.description === 'string' && <p className="text-slate-300">{card.description}</p>}
          {typeof card.notes === 'string' && <p className="text-amber-200/90">{card.notes}</p>}
          <dl className="grid grid-cols-[minmax(4.5rem,7.5rem)_minmax(0,1fr)] gap-x-3 gap-y-0.5">
            <Row k="task" v={c.task} />
            <Row k="parameters" v={`${formatCount(info.parameterCount)} (+ ${formatCount(info.embeddingRows)} puzzle-embedding rows)`} />
            <Row k="file" v={`${formatBytes(info.bytes)}, ${info.format === 'official' ? 'official step_N' : 'safetensors'}`} />
            <Row k="network" v={`${c.mlp_t ? 'MLP-mixer (mlp_t)' : `attention, ${c.num_heads} heads`} · hidden ${c.hidden_size} · ${c.L_layers} blocks · pos ${c.pos_encodings}`} />
            <Row k="recursion" v={`n = L_cycles ${c.L_cycles}, T = H_cycles ${c.H_cycles}, N_sup ${c.halt_max_steps}`} />
            <Row k="sequence" v={`${c.seq_len} cells${c.task !== 'sudoku' ? ` (a ${Math.sqrt(c.seq_len)}×${Math.sqrt(c.seq_len)} canvas)` : ''} + ${c.puzzle_emb_len} prefix, vocab ${c.vocab_size}`} />
            {typeof card.hardware === 'string' && <Row k="hardware" v={card.hardware} />}
            {cardAccuracy(card).map(([k, v]) => (
              <Row key={k} k={`accuracy ${k}`} v={v} />
            ))}
            {command && <Row k="command" v={<code className="text-[11px] whitespace-pre-wrap">{command}</code>} />}
          </dl>
          {Object.keys(card).length > 0 && (
            <pre className="max-h-64 overflow-auto rounded bg-slate-950 p-2 text-[11px] text-slate-300">{JSON.stringify(card, null, 1)}</pre>
          )}
        </div>
      </details>
    </div>
  );
}
