// What the loaded model is: its card (task, training command, accuracy) and its config.
import type { ModelInfo } from '../../worker/protocol';
import { formatBytes, formatCount } from './format';

function Row({ k, v }: { k: string; v: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-400">{k}</dt>
      <dd className="font-mono text-slate-100 break-words min-w-0">{v}</dd>
    </>
  );
}

export function ModelCardView({ info }: { info: ModelInfo }) {
  const c = info.config;
  const card = info.card ?? {};
  const accuracy = card.accuracy && typeof card.accuracy === 'object' ? Object.entries(card.accuracy) : [];
  return (
    <div className="flex flex-col gap-2" data-testid="model-card">
      <div>
        <div className="font-semibold break-all">{info.name}</div>
        {typeof card.description === 'string' && <p className="text-sm text-slate-300">{card.description}</p>}
      </div>
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-xs">
        <Row k="task" v={c.task} />
        <Row k="parameters" v={`${formatCount(info.parameterCount)} (+ ${formatCount(info.embeddingRows)} puzzle-embedding rows)`} />
        <Row k="file" v={`${formatBytes(info.bytes)}, ${info.format === 'official' ? 'official step_N' : 'safetensors'}`} />
        <Row k="network" v={`${c.mlp_t ? 'MLP-mixer (mlp_t)' : `attention, ${c.num_heads} heads`} · hidden ${c.hidden_size} · ${c.L_layers} blocks · pos ${c.pos_encodings}`} />
        <Row k="recursion" v={`n = L_cycles ${c.L_cycles}, T = H_cycles ${c.H_cycles}, N_sup ${c.halt_max_steps}`} />
        <Row k="sequence" v={`${c.seq_len} cells + ${c.puzzle_emb_len} prefix, vocab ${c.vocab_size}`} />
        {typeof card.trained_on === 'string' && <Row k="trained on" v={card.trained_on} />}
        {typeof card.command === 'string' && <Row k="command" v={<code className="text-[11px]">{card.command}</code>} />}
        {typeof card.wall_time === 'string' && <Row k="training time" v={card.wall_time} />}
        {typeof card.hardware === 'string' && <Row k="hardware" v={card.hardware} />}
        {accuracy.map(([k, v]) => (
          <Row key={k} k={`accuracy: ${k}`} v={typeof v === 'number' ? (v <= 1 ? `${(v * 100).toFixed(1)}%` : String(v)) : JSON.stringify(v)} />
        ))}
      </dl>
    </div>
  );
}
