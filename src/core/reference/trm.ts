// The recursion of the CPU reference TRM (docs/spec.md §1.5–§1.7): input embedding, T cycles of
// { n latent updates z_L = net(z_L, z_H + x), one answer update z_H = net(z_H, z_L) } per supervision
// step, lm_head / q_head, and the carry kept across steps. Produces the engine-neutral Trace.
import { EngineUsageError } from '../engine-errors';
import type { ModelBundle } from '../bundle';
import type { Carry, InnerTrace, SolveInput, SolveOptions, StepTrace, Trace } from '../trace';
import { argmaxConfidence } from '../trace';
import { ReferenceNetwork, type TrmNetwork } from './network';
import { add, argmax, embedInput, linear, rms } from './ops';

/**
 * The model half of the reference: weights, the network and the heads. Reusable across solves. The network is
 * the TypeScript reference unless another implementation of the same calls is given (the wasm engine's).
 */
export class ReferenceTrm {
  readonly bundle: ModelBundle;
  readonly network: TrmNetwork;
  /** Values per puzzle in z_H, z_L or x: (seq_len + puzzle_emb_len) · hidden. */
  readonly stateSize: number;
  private readonly logitScratch: Float32Array;

  constructor(bundle: ModelBundle, network?: TrmNetwork) {
    this.bundle = bundle;
    this.network = network ?? new ReferenceNetwork(bundle);
    this.stateSize = this.network.sizes.seqTotal * bundle.config.hidden_size;
    this.logitScratch = new Float32Array(bundle.config.seq_len * bundle.config.vocab_size);
  }

  get config() {
    return this.bundle.config;
  }

  /** x for every puzzle of the batch: [B][S][hidden]. */
  embed(input: SolveInput): Float32Array {
    const c = this.config;
    const B = checkInput(input, c.seq_len);
    const x = new Float32Array(B * this.stateSize);
    const puzzle = this.bundle.tensors['puzzle_emb.weights']?.data;
    const positions = c.pos_encodings === 'learned' ? this.bundle.tensors['embed_pos.embedding_weight'].data : undefined;
    for (let b = 0; b < B; b++)
      embedInput(
        x.subarray(b * this.stateSize, (b + 1) * this.stateSize),
        input.tokens,
        b * c.seq_len,
        c.seq_len,
        this.bundle.tensors['embed_tokens.embedding_weight'].data,
        c.vocab_size,
        c.hidden_size,
        puzzle,
        input.puzzleIds[b],
        c.puzzle_emb_ndim,
        c.puzzle_emb_len,
        this.network.sizes.embedScale,
        positions,
      );
    return x;
  }

  /** The fresh carry: H_init / L_init broadcast over every position of every puzzle. */
  initialCarry(batch: number): Carry {
    const H = this.config.hidden_size;
    const hInit = this.bundle.tensors.H_init.data;
    const lInit = this.bundle.tensors.L_init.data;
    const zH = new Float32Array(batch * this.stateSize);
    const zL = new Float32Array(batch * this.stateSize);
    for (let o = 0; o < zH.length; o += H) {
      zH.set(hInit, o);
      zL.set(lInit, o);
    }
    return { zH, zL, afterStep: 0 };
  }

  /** Logits of one puzzle's answer, prefix dropped: out [seq_len][vocab]. */
  lmHead(out: Float32Array, zH: Float32Array, b: number): void {
    const c = this.config;
    const start = b * this.stateSize + c.puzzle_emb_len * c.hidden_size;
    linear(out, zH.subarray(start, start + c.seq_len * c.hidden_size), this.bundle.tensors['lm_head.weight'].data, c.seq_len, c.hidden_size, c.vocab_size);
  }

  /** [q_halt, q_continue] of one puzzle: q_head (with bias) on position 0 of z_H. */
  qHead(zH: Float32Array, b: number): [number, number] {
    const H = this.config.hidden_size;
    const q = new Float32Array(2);
    const start = b * this.stateSize;
    linear(q, zH.subarray(start, start + H), this.bundle.tensors['q_head.weight'].data, 1, H, 2, this.bundle.tensors['q_head.bias'].data);
    return [q[0], q[1]];
  }

  /** argmax of lm_head(z_H) of one puzzle into preds[b·seq_len ..]; the logits go to `logitsOut` if given. */
  decode(preds: Int32Array, zH: Float32Array, b: number, logitsOut?: Float32Array): void {
    const { seq_len: L, vocab_size: V } = this.config;
    const logits = logitsOut ?? this.logitScratch;
    this.lmHead(logits, zH, b);
    for (let i = 0; i < L; i++) preds[b * L + i] = argmax(logits, i * V, V);
  }
}

function checkInput(input: SolveInput, seqLen: number): number {
  const B = input.puzzleIds.length;
  if (B < 1) throw new EngineUsageError('The batch is empty: SolveInput.puzzleIds must hold one id per puzzle.');
  if (input.tokens.length !== B * seqLen)
    throw new EngineUsageError(`SolveInput.tokens holds ${input.tokens.length} values; ${B} puzzles of seq_len ${seqLen} need ${B * seqLen}.`);
  return B;
}

export type AdvanceResult = 'step' | 'done' | 'cancelled';

/** Reference-only options: the decoded logits after every network call (tests of near-tie flips). */
export interface ReferenceSolveOptions extends SolveOptions {
  recordInnerLogits?: boolean;
}

/** An InnerTrace that may carry the [B·seq_len·vocab] logits of lm_head(z_H) after that call. */
export interface ReferenceInnerTrace extends InnerTrace {
  logits?: Float32Array;
}

/**
 * One solve in progress. `advance()` runs one supervision step (checking the AbortSignal before every
 * network call), `stepByCall()` the same step call by call; `trace()` returns what has been recorded so far. The carry is replaced only after a
 * complete step, so `carry()` is always a valid resume point.
 */
export class ReferenceRun {
  private readonly trm: ReferenceTrm;
  private readonly options: ReferenceSolveOptions;
  private readonly batch: number;
  private readonly x: Float32Array;
  private readonly lastStep: number;
  private zH: Float32Array;
  private zL: Float32Array;
  private workH: Float32Array;
  private workL: Float32Array;
  private readonly injection: Float32Array; // z_H + x of one puzzle
  private stepsDone: number;
  private readonly steps: StepTrace[] = [];
  private readonly haltStep: Int32Array;
  private cancelled = false;
  private finished = false;

  constructor(trm: ReferenceTrm, input: SolveInput, options: ReferenceSolveOptions = {}) {
    this.trm = trm;
    this.options = options;
    this.x = trm.embed(input);
    this.batch = input.puzzleIds.length;
    const start = options.initialCarry ?? trm.initialCarry(this.batch);
    const n = this.batch * trm.stateSize;
    if (start.zH.length !== n || start.zL.length !== n)
      throw new EngineUsageError(
        `initialCarry holds ${start.zH.length} / ${start.zL.length} values for z_H / z_L; a batch of ${this.batch} needs ${n} each ([B][seq_len+puzzle_emb_len][hidden]).`,
      );
    this.zH = Float32Array.from(start.zH);
    this.zL = Float32Array.from(start.zL);
    this.workH = new Float32Array(n);
    this.workL = new Float32Array(n);
    this.injection = new Float32Array(trm.stateSize);
    this.stepsDone = start.afterStep;
    this.lastStep = options.steps ?? trm.config.halt_max_steps;
    if (!Number.isInteger(this.lastStep) || this.lastStep < this.stepsDone)
      throw new EngineUsageError(`SolveOptions.steps (${this.lastStep}) is the last step to run; it must be an integer ≥ initialCarry.afterStep (${this.stepsDone}).`);
    this.haltStep = new Int32Array(this.batch);
  }

  /** The carry after the last complete step (a copy). */
  carry(): Carry {
    return { zH: Float32Array.from(this.zH), zL: Float32Array.from(this.zL), afterStep: this.stepsDone };
  }

  trace(): Trace {
    const c = this.trm.config;
    const t: Trace = { batch: this.batch, seqLen: c.seq_len, vocab: c.vocab_size, steps: this.steps, haltStep: this.haltStep };
    if (this.cancelled) t.cancelled = true;
    return t;
  }

  private aborted(): boolean {
    if (this.options.signal?.aborted) {
      this.cancelled = true;
      this.finished = true;
      return true;
    }
    return false;
  }

  /** Runs the next supervision step. */
  advance(): AdvanceResult {
    const calls = this.stepByCall();
    for (;;) {
      const r = calls.next();
      if (r.done) return r.value;
    }
  }

  /**
   * Runs the next supervision step one network call at a time: the generator yields after every call
   * (so an async driver can give the event loop a turn inside long steps) and returns the step's result.
   */
  *stepByCall(): Generator<void, AdvanceResult, void> {
    if (this.finished) return this.cancelled ? 'cancelled' : 'done';
    if (this.stepsDone >= this.lastStep) {
      this.finished = true;
      return 'done';
    }
    const { trm, batch: B } = this;
    const c = trm.config;
    const S = trm.stateSize;
    const net = trm.network;
    this.workH.set(this.zH);
    this.workL.set(this.zL);
    const inner: InnerTrace[] | undefined = this.options.recordInner ? [] : undefined;
    for (let cycle = 0; cycle < c.H_cycles; cycle++) {
      for (let call = 0; call <= c.L_cycles; call++) {
        if (this.aborted()) return 'cancelled';
        const target = call < c.L_cycles ? 'z' : 'y';
        for (let b = 0; b < B; b++) {
          const zH = this.workH.subarray(b * S, (b + 1) * S);
          const zL = this.workL.subarray(b * S, (b + 1) * S);
          if (target === 'z') {
            add(this.injection, zH, this.x.subarray(b * S, (b + 1) * S), S);
            net.call(zL, this.injection); // z_L = net(z_L, z_H + x)
          } else {
            net.call(zH, zL); // z_H = net(z_H, z_L)
          }
        }
        if (inner) inner.push(this.innerTrace(cycle, call, target));
        yield;
      }
    }
    [this.zH, this.workH] = [this.workH, this.zH];
    [this.zL, this.workL] = [this.workL, this.zL];
    this.stepsDone++;
    const step = this.stepTrace(inner);
    this.steps.push(step);
    for (let b = 0; b < B; b++) if (this.haltStep[b] === 0 && step.qHalt[b] > 0) this.haltStep[b] = step.step;
    this.options.onStep?.(step);
    if (this.stepsDone >= this.lastStep || (this.options.earlyHalt && this.haltStep.every((s) => s > 0))) this.finished = true;
    return 'step';
  }

  private innerTrace(cycle: number, call: number, target: 'z' | 'y'): ReferenceInnerTrace {
    const { trm, batch: B } = this;
    const S = trm.stateSize;
    const { seq_len: L, vocab_size: V } = trm.config;
    const preds = new Int32Array(B * L);
    const yNorm = new Float32Array(B);
    const zNorm = new Float32Array(B);
    const logits = this.options.recordInnerLogits ? new Float32Array(B * L * V) : undefined;
    for (let b = 0; b < B; b++) {
      yNorm[b] = rms(this.workH, b * S, S);
      zNorm[b] = rms(this.workL, b * S, S);
      trm.decode(preds, this.workH, b, logits?.subarray(b * L * V, (b + 1) * L * V));
    }
    const inner: ReferenceInnerTrace = { cycle, call, target, preds, yNorm, zNorm };
    if (logits) inner.logits = logits;
    return inner;
  }

  private stepTrace(inner: InnerTrace[] | undefined): StepTrace {
    const { trm, batch: B } = this;
    const { seq_len: L, vocab_size: V } = trm.config;
    const logits = new Float32Array(B * L * V);
    const preds = new Int32Array(B * L);
    const confidence = new Float32Array(B * L);
    const qHalt = new Float32Array(B);
    const qContinue = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      trm.lmHead(logits.subarray(b * L * V, (b + 1) * L * V), this.zH, b);
      [qHalt[b], qContinue[b]] = trm.qHead(this.zH, b);
    }
    for (let i = 0; i < B * L; i++) {
      const { index, prob } = argmaxConfidence(logits, i * V, V);
      preds[i] = index;
      confidence[i] = prob;
    }
    const step: StepTrace = { step: this.stepsDone, preds, confidence, qHalt, qContinue };
    if (this.options.recordLogits) step.logits = logits;
    if (inner) step.inner = inner;
    return step;
  }
}

/** Runs a whole solve synchronously (tests, scripts). The async engine is CpuEngine. */
export function solveReference(model: ModelBundle | ReferenceTrm, input: SolveInput, options: ReferenceSolveOptions = {}): Trace {
  const trm = model instanceof ReferenceTrm ? model : new ReferenceTrm(model);
  const run = new ReferenceRun(trm, input, options);
  while (run.advance() === 'step');
  return run.trace();
}
