// The trace: what an engine returns for a solve, identical for the CPU reference and the WebGPU engine.
// All arrays are row-major over the batch: index b·seq_len + i for cell i of puzzle b.

import { NonFiniteOutputError } from './engine-errors';

export interface StepTrace {
  step: number; // 1-based supervision step
  preds: Int32Array; // [B·seq_len] argmax token id (first index on ties), prefix dropped
  confidence: Float32Array; // [B·seq_len] softmax probability of the argmax
  qHalt: Float32Array; // [B] q_halt logit
  qContinue: Float32Array; // [B] q_continue logit
  /** [B·seq_len·vocab] logits, only when SolveOptions.recordLogits. */
  logits?: Float32Array;
  /** Answer y decoded after every recursion call of this step, only when SolveOptions.recordInner. */
  inner?: InnerTrace[];
  /** Only in a step merged from test-time views (src/core/tasks/sudoku-views.ts): where each row's answer comes from. */
  views?: ViewsOfStep;
}

/** Throws NonFiniteOutputError when a step's confidence or halting logits hold NaN or ±Infinity. */
export function assertFiniteStep(step: StepTrace): void {
  for (const a of [step.qHalt, step.qContinue, step.confidence]) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new NonFiniteOutputError(step.step);
}

export interface ViewsOfStep {
  count: number; // views per puzzle
  shown: Int32Array; // [B] the view whose answer the row holds: the first that obeys the rules, else 0 (the puzzle as given)
  valid: Int32Array; // [B] how many views' answers obey the rules
}

export interface InnerTrace {
  cycle: number; // 0..H_cycles-1
  call: number; // 0..L_cycles: calls 0..n-1 update z (latent), call n updates y (answer)
  target: 'z' | 'y';
  preds: Int32Array; // [B·seq_len] argmax of lm_head(y) after this call
  yNorm: Float32Array; // [B] RMS of y over all positions and channels
  zNorm: Float32Array; // [B] RMS of z
}

export interface Trace {
  batch: number;
  seqLen: number;
  vocab: number;
  steps: StepTrace[];
  /** Step (1-based) at which each row would halt (q_halt > 0), or 0 if it never did. */
  haltStep: Int32Array;
  cancelled?: boolean;
}

/** Carry snapshot (z_H = y, z_L = z), each [B·(seq_len+16)·hidden], to resume after `afterStep` steps. */
export interface Carry {
  zH: Float32Array;
  zL: Float32Array;
  afterStep: number;
}

export interface SolveInput {
  tokens: Int32Array; // [B·seq_len] token ids as the task codec writes them
  puzzleIds: Int32Array; // [B] rows of puzzle_emb.weights
}

export interface SolveOptions {
  steps?: number; // the last step number to run (default config.halt_max_steps); a resumed run continues to it
  earlyHalt?: boolean; // stop when every row has q_halt > 0 (not how papers report accuracy)
  recordLogits?: boolean;
  recordInner?: boolean;
  initialCarry?: Carry;
  signal?: AbortSignal;
  onStep?: (step: StepTrace) => void;
}

/** One interface, two implementations: the CPU reference (src/core/reference) and WebGPU (src/gpu). */
export interface TrmEngine {
  readonly kind: 'cpu' | 'wasm' | 'webgpu';
  solve(input: SolveInput, options?: SolveOptions): Promise<Trace>;
  /** The carry after the last complete supervision step of the latest solve (resume point after a cancel or a lost device). */
  readonly lastCarry?: Carry | null;
  dispose(): void;
}

/** The trace of `batch` puzzles from a trace of their tries, step by step through `mergeStep`; halting is read
 * from the merged q_halt (the first step where it is > 0). */
export function mergeTraceSteps(trace: Trace, batch: number, mergeStep: (step: StepTrace) => StepTrace): Trace {
  const steps = trace.steps.map(mergeStep);
  const haltStep = new Int32Array(batch);
  for (const s of steps) for (let p = 0; p < batch; p++) if (!haltStep[p] && s.qHalt[p] > 0) haltStep[p] = s.step;
  return { batch, seqLen: trace.seqLen, vocab: trace.vocab, steps, haltStep, ...(trace.cancelled ? { cancelled: true } : {}) };
}

/** Softmax probability of the argmax for one cell's logits. */
export function argmaxConfidence(logits: ArrayLike<number>, offset: number, vocab: number): { index: number; prob: number } {
  let best = 0;
  let max = logits[offset];
  for (let v = 1; v < vocab; v++) if (logits[offset + v] > max) { max = logits[offset + v]; best = v; }
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(logits[offset + v] - max);
  return { index: best, prob: 1 / sum };
}
