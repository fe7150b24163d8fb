// What the loaded model is: its card (task, training command, accuracy) and its config.
import type { ModelInfo } from '../../worker/protocol';
import { formatBytes, formatCount } from './format';
import { cardAccuracy, cardCommand, cardTrainedOn, cardTrainingTime } from './cardFields';

function Row({ k, v }: { k: string; v: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-400 break-words">{k}</dt>
      <dd className="font-mono text-slate-100 break-words min-w-0">{v}</dd>
    </>
  );
}

export function ModelCardView({ info }: { info: ModelInfo }) {
  const c = info.config;
  const card = info.card ?? {};
  const accuracy = cardAccuracy(card);
  const command = cardCommand(card);
  const trainedOn = cardTrainedOn(card);
  const time = cardTrainingTime(card);
  return (
    <div className="flex flex-col gap-2" data-testid="model-card">
      <div>
        <div className="font-semibold break-all">{info.name}</div>
        {typeof card.description === 'string' && <p className="text-sm text-slate-300">{card.description}</p>}
        {typeof card.notes === 'string' && <p className="text-sm text-amber-200/90">{card.notes}</p>}
      </div>
      <dl className="grid grid-cols-[minmax(4.5rem,7.5rem)_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-xs">
        <Row k="task" v={c.task} />
        <Row k="parameters" v={`${formatCount(info.parameterCount)} (+ ${formatCount(info.embeddingRows)} puzzle-embedding rows)`} />
        <Row k="file" v={`${formatBytes(info.bytes)}, ${info.format === 'official' ? 'official step_N' : 'safetensors'}`} />
        <Row k="network" v={`${c.mlp_t ? 'MLP-mixer (mlp_t)' : `attention, ${c.num_heads} heads`} · hidden ${c.hidden_size} · ${c.L_layers} blocks · pos ${c.pos_encodings}`} />
        <Row k="recursion" v={`n = L_cycles ${c.L_cycles}, T = H_cycles ${c.H_cycles}, N_sup ${c.halt_max_steps}`} />
        <Row k="sequence" v={`${c.seq_len} cells${c.task !== 'sudoku' ? ` (a ${Math.sqrt(c.seq_len)}×${Math.sqrt(c.seq_len)} canvas)` : ''} + ${c.puzzle_emb_len} prefix, vocab ${c.vocab_size}`} />
        {trainedOn && <Row k="trained on" v={trainedOn} />}
        {time && <Row k="training" v={time} />}
        {typeof card.hardware === 'string' && <Row k="hardware" v={card.hardware} />}
        {accuracy.map(([k, v]) => (
          <Row key={k} k={`accuracy ${k}`} v={v} />
        ))}
        {command && <Row k="command" v={<code className="text-[11px] whitespace-pre-wrap">{command}</code>} />}
      </dl>
      {Object.keys(card).length > 0 && (
        <details className="text-xs">
          <summary className="cursor-pointer text-slate-400">Full model card</summary>
          <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-950 p-2 text-[11px] text-slate-300">{JSON.stringify(card, null, 1)}</pre>
        </details>
      )}
    </div>
  );
}
