// The WebGPU TRM engine. Weights go up once, pipelines compile once, every buffer and every dispatch of a
// supervision step is built once per batch size; a step (T·(n+1) network calls plus the heads) is then
// one command buffer, and its outputs come back through a ring of staging buffers so the GPU is already
// running step k+1 while the host reads step k. Produces exactly the Trace of the CPU reference.
//
// Name mapping (docs/spec.md §0): z_H = answer y, z_L = latent z, L_cycles = n, H_cycles = T.
import { validateBundle, type ModelBundle } from '../core/bundle';
import type { Carry, InnerTrace, SolveInput, SolveOptions, StepTrace, Trace, TrmEngine } from '../core/trace';
import { EngineUsageError, GpuDeviceLostError } from './errors';
import { Kernels, recordDispatches, type Dispatch } from './kernels';
import type { MatmulChoice, MatmulPreference } from './kernel-choice';
import { activationBuffers, activationBytes, checkBufferPlan, engineSizes, planBuffers, readbackBytes, type EngineSizes } from './plan';
import { missingShaders, type ShaderSources } from './shaders';
import { uploadWeights, type WeightStorage } from './weights';

export interface WebGpuEngineOptions {
  batch: number;
  shaders: ShaderSources;
  /** Force a matmul variant ('general' / 'vec4'); 'auto' (default) picks per shape. */
  matmul?: MatmulPreference;
  /** 'f16': matmul weights stored as f16 (half the memory and weight traffic), math in f32. Default 'f32'. */
  weightStorage?: WeightStorage;
  /**
   * Copy the carry back after every step so `lastCarry` follows the solve and survives a device loss (default
   * true). Off: `lastCarry` stays at the solve's initialCarry (null for a fresh start); readCarry() reads the GPU state.
   */
  snapshotCarry?: boolean;
  /** Staging buffers in the read-back ring (default 2: the GPU runs one step ahead of the host). */
  ring?: number;
}

interface Layout {
  preds: number;
  conf: number;
  q: number;
  logits: number;
  innerPreds: number;
  innerNorms: number;
  zH: number;
  zL: number;
  total: number;
}

function readbackLayout(z: EngineSizes): Layout {
  const cells = z.B * z.L;
  const preds = 0;
  const conf = preds + cells * 4;
  const q = conf + cells * 4;
  const logits = q + 2 * z.B * 4;
  const innerPreds = logits + cells * z.V * 4;
  const innerNorms = innerPreds + z.calls * cells * 4;
  const zH = innerNorms + z.calls * 2 * z.B * 4;
  const zL = zH + z.rows * z.H * 4;
  const total = zL + z.rows * z.H * 4;
  if (total !== readbackBytes(z)) throw new Error('read-back layout and buffer plan disagree');
  return { preds, conf, q, logits, innerPreds, innerNorms, zH, zL, total };
}

export class WebGpuEngine implements TrmEngine {
  readonly kind = 'webgpu' as const;
  readonly device: GPUDevice;
  readonly bundle: ModelBundle;
  readonly sizes: EngineSizes;
  private readonly kernels: Kernels;
  private readonly weights: Map<string, GPUBuffer>;
  private readonly buffers: Record<string, GPUBuffer> = {};
  private readonly staging: GPUBuffer[] = [];
  private readonly layout: Layout;
  private readonly snapshotCarry: boolean;
  private readonly f16: boolean;
  private prologue!: { embed: Dispatch; init: Dispatch };
  private stepPlain!: Dispatch[];
  private stepInner!: Dispatch[];
  private lost: GPUDeviceLostInfo | null = null;
  private disposed = false;
  private busy = false;
  private carry_: Carry | null = null;
  /** Supervision steps the GPU state z_H / z_L has advanced through (may run ahead of the trace). */
  private gpuStep = 0;

  private constructor(device: GPUDevice, bundle: ModelBundle, options: WebGpuEngineOptions) {
    this.device = device;
    this.bundle = bundle;
    this.sizes = engineSizes(bundle.config, options.batch);
    this.kernels = new Kernels(device, options.shaders, options.matmul ?? 'auto');
    this.snapshotCarry = options.snapshotCarry ?? true;
    this.layout = readbackLayout(this.sizes);
    this.weights = uploadWeights(device, bundle, options.weightStorage ?? 'f32');
    this.f16 = options.weightStorage === 'f16';
    const z = this.sizes;
    const allocate = (key: string, bytes: number) => {
      this.buffers[key] = device.createBuffer({ label: key, size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    };
    for (const a of activationBuffers(bundle.config, z)) allocate(a.key, activationBytes(a.elements));
    allocate('dummy', activationBytes(1)); // bound where a kernel's optional input (RoPE tables) is off
    for (let i = 0; i < Math.max(1, options.ring ?? 2); i++)
      this.staging.push(device.createBuffer({ label: `readback staging ${i}`, size: this.layout.total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
    device.lost.then((info) => {
      this.lost = info;
    });
  }

  /**
   * Checks the model and its buffers against the device limits (before allocating anything), uploads the
   * weights, compiles the pipelines and records every dispatch of a supervision step for `batch` puzzles.
   */
  static async create(device: GPUDevice, bundle: ModelBundle, options: WebGpuEngineOptions): Promise<WebGpuEngine> {
    validateBundle(bundle);
    const c = bundle.config;
    if (!Number.isInteger(options.batch) || options.batch < 1) throw new EngineUsageError(`batch must be a positive integer (got ${options.batch})`);
    if (c.hidden_size % 4 !== 0) throw new EngineUsageError(`The WebGPU engine needs hidden_size divisible by 4 (got ${c.hidden_size}); use the CPU engine.`);
    if (c.pos_encodings === 'learned') throw new EngineUsageError('Learned position embeddings are not supported by the WebGPU engine (no published model uses them); use the CPU engine.');
    const missing = missingShaders(options.shaders);
    if (missing.length) throw new EngineUsageError(`Shader sources are missing: ${missing.join(', ')} (pass shaderSources from src/gpu/shaders-vite.ts or loadShaderSources() from shaders-node.ts)`);
    checkBufferPlan(planBuffers(c, options.batch), device.limits, options.batch);
    const engine = new WebGpuEngine(device, bundle, options);
    await engine.build();
    return engine;
  }

  /** Every matmul's variant and tile, in recording order (tests, benchmark printout). */
  get matmulChoices(): ReadonlyArray<{ label: string; choice: MatmulChoice }> {
    return this.kernels.matmulChoices;
  }

  /** The dispatches of one supervision step without the inner-call records, in order (for bench/profile.ts). */
  get stepDispatches(): readonly Dispatch[] {
    return this.stepPlain;
  }

  /** The carry after the last complete step of the latest solve (a resume point, also after a cancel or device loss). */
  get lastCarry(): Carry | null {
    return this.carry_;
  }

  private w(name: string): GPUBuffer {
    const b = this.weights.get(name);
    if (!b) throw new Error(`weight ${name} was not uploaded`);
    return b;
  }

  private async build(): Promise<void> {
    const k = this.kernels;
    const z = this.sizes;
    const c = this.bundle.config;
    const b = this.buffers;
    const n = z.rowsPadded * z.H;
    const eps = c.rms_norm_eps;
    // which matmul operand is the weight, when weights are stored as f16: B for X·Wᵀ, A for token mixing W·h
    const [wA, wB] = this.f16 ? (['A', 'B'] as const) : [undefined, undefined];

    const blocks = async (h: GPUBuffer, tag: string): Promise<Dispatch[]> => {
      const out: Promise<Dispatch>[] = [];
      for (let l = 0; l < c.L_layers; l++) {
        const p = `L_level.layers.${l}`;
        const t = `${tag} block ${l}`;
        if (c.mlp_t) {
          out.push(k.matmul(`${t} mlp_t gate_up+SwiGLU`, { A: this.w(`${p}.mlp_t.gate_up_proj.weight`), B: h, C: b.mixAct, M: 2 * z.interT, N: z.H, K: z.mixK, batch: z.B, bBs: z.S * z.H, cBs: z.interT * z.H, cLd: z.H, bLayout: 'kn', epilogue: 'swiglu_m', f16: wA }));
          out.push(k.matmul(`${t} mlp_t down+residual`, { A: this.w(`${p}.mlp_t.down_proj.weight`), B: b.mixAct, C: h, M: z.S, N: z.H, K: z.interT, batch: z.B, bBs: z.interT * z.H, cBs: z.S * z.H, cLd: z.H, bLayout: 'kn', epilogue: 'accumulate', f16: wA }));
          out.push(k.rmsCols(`${t} norm over positions`, h, z.B, z.S, z.H, eps));
        } else {
          const rope = c.pos_encodings === 'rope';
          out.push(k.matmul(`${t} qkv`, { A: h, B: this.w(`${p}.self_attn.qkv_proj.weight`), C: b.qkv, M: z.rowsPadded, N: 3 * z.H, K: z.H, cLd: 3 * z.H, bLayout: 'nk', epilogue: 'none', f16: wB }));
          out.push(k.attention(`${t} attention`, { qkv: b.qkv, cos: rope ? this.w('rope_cos') : b.dummy, sin: rope ? this.w('rope_sin') : b.dummy, out: b.attnOut }, { S: z.S, H: z.H, heads: c.num_heads, headDim: z.headDim, batch: z.B, rope }));
          out.push(k.matmul(`${t} o_proj+residual`, { A: b.attnOut, B: this.w(`${p}.self_attn.o_proj.weight`), C: h, M: z.rowsPadded, N: z.H, K: z.H, cLd: z.H, bLayout: 'nk', epilogue: 'accumulate', f16: wB }));
          out.push(k.rmsRows(`${t} norm`, h, z.rowsPadded, z.H, eps));
        }
        out.push(k.matmul(`${t} mlp gate_up+SwiGLU`, { A: h, B: this.w(`${p}.mlp.gate_up_proj.weight`), C: b.mlpAct, M: z.rowsPadded, N: 2 * z.inter, K: z.H, cLd: z.inter, bLayout: 'nk', epilogue: 'swiglu_n', f16: wB }));
        out.push(k.matmul(`${t} mlp down+residual`, { A: b.mlpAct, B: this.w(`${p}.mlp.down_proj.weight`), C: h, M: z.rowsPadded, N: z.H, K: z.inter, cLd: z.H, bLayout: 'nk', epilogue: 'accumulate', f16: wB }));
        out.push(k.rmsRows(`${t} norm`, h, z.rowsPadded, z.H, eps));
      }
      return Promise.all(out);
    };

    const heads = { B: z.B, L: z.L, S: z.S, P: z.P, H: z.H, V: z.V };
    const lmBufs = { zH: b.zH, weight: this.w('lm_head.weight'), logits: b.logits, preds: b.preds, conf: b.conf };
    const [zCall, yCall, addZ, addY, lmHead, qHead, embed, init] = await Promise.all([
      blocks(b.zL, 'z'),
      blocks(b.zH, 'y'),
      k.add3('z_L += z_H + x', b.zL, b.zH, b.x, n),
      k.add2('z_H += z_L', b.zH, b.zL, n),
      k.lmHead('lm_head', lmBufs, heads, 0, 0),
      k.qHead('q_head', { zH: b.zH, weight: this.w('q_head.weight'), bias: this.w('q_head.bias'), q: b.q }, { B: z.B, S: z.S, H: z.H }),
      k.embed('embedding', { out: b.x, tokens: b.tokens, puzzleRows: b.puzzleRows, embedding: this.w('embed_tokens.embedding_weight') }, { S: z.S, P: z.P, L: z.L, H: z.H, ndim: z.ndim, rows: z.rows, rowsPadded: z.rowsPadded, scale: Math.sqrt(c.hidden_size) }),
      k.initState('init z_H, z_L', b.zH, b.zL, this.w('H_init'), this.w('L_init'), z.rows, z.H),
    ]);
    this.prologue = { embed, init };
    const inner: Dispatch[][] = await Promise.all(
      Array.from({ length: z.calls }, (_, i) =>
        Promise.all([
          k.lmHead(`inner ${i} preds`, { ...lmBufs, preds: b.innerPreds }, heads, i * z.B * z.L, null),
          k.batchRms(`inner ${i} norms`, b.zH, b.zL, b.innerNorms, i * 2 * z.B, z.B, z.S * z.H),
        ]),
      ),
    );
    const plain: Dispatch[] = [];
    const withInner: Dispatch[] = [];
    let call = 0;
    for (let cycle = 0; cycle < c.H_cycles; cycle++)
      for (let j = 0; j <= c.L_cycles; j++) {
        const d = j < c.L_cycles ? [addZ, ...zCall] : [addY, ...yCall];
        plain.push(...d);
        withInner.push(...d, ...inner[call++]);
      }
    plain.push(lmHead, qHead);
    withInner.push(lmHead, qHead);
    this.stepPlain = plain;
    this.stepInner = withInner;
  }

  private checkAlive(): void {
    if (this.disposed) throw new EngineUsageError('This WebGpuEngine was disposed; create a new one with WebGpuEngine.create.');
    if (this.lost) throw new GpuDeviceLostError(this.lost.reason, this.lost.message);
  }

  private checkInput(input: SolveInput): void {
    const { B, L, V } = this.sizes;
    if (input.puzzleIds.length !== B)
      throw new EngineUsageError(`This engine was built for batches of ${B}; got ${input.puzzleIds.length} puzzles. Create an engine with options.batch = ${input.puzzleIds.length}.`);
    if (input.tokens.length !== B * L) throw new EngineUsageError(`SolveInput.tokens holds ${input.tokens.length} values; ${B} puzzles of seq_len ${L} need ${B * L}.`);
    for (let i = 0; i < input.tokens.length; i++) {
      const t = input.tokens[i];
      if (!Number.isInteger(t) || t < 0 || t >= V) throw new EngineUsageError(`token ${t} at cell ${i % L} of puzzle ${Math.floor(i / L)} is outside the vocabulary (0..${V - 1})`);
    }
  }

  private uploadInput(input: SolveInput): void {
    const { B, ndim } = this.sizes;
    const q = this.device.queue;
    q.writeBuffer(this.buffers.tokens, 0, Uint32Array.from(input.tokens));
    const table = this.bundle.tensors['puzzle_emb.weights']?.data;
    if (table && ndim > 0) {
      const rows = new Float32Array(B * ndim);
      const count = table.length / ndim;
      for (let b = 0; b < B; b++) {
        const id = input.puzzleIds[b];
        if (!Number.isInteger(id) || id < 0 || id >= count) throw new EngineUsageError(`puzzle id ${id} is outside the puzzle-embedding table (0..${count - 1})`);
        rows.set(table.subarray(id * ndim, (id + 1) * ndim), b * ndim);
      }
      q.writeBuffer(this.buffers.puzzleRows, 0, rows);
    }
  }

  async solve(input: SolveInput, options: SolveOptions = {}): Promise<Trace> {
    this.checkAlive();
    if (this.busy) throw new EngineUsageError('This engine is already solving; await the previous solve (or cancel it) first.');
    this.checkInput(input);
    const z = this.sizes;
    const start = options.initialCarry;
    const firstStep = (start?.afterStep ?? 0) + 1;
    const lastStep = options.steps ?? this.bundle.config.halt_max_steps;
    if (!Number.isInteger(lastStep) || lastStep < firstStep - 1)
      throw new EngineUsageError(`SolveOptions.steps (${lastStep}) is the last step to run; it must be an integer ≥ initialCarry.afterStep (${firstStep - 1}).`);
    if (start && (start.zH.length !== z.rows * z.H || start.zL.length !== z.rows * z.H))
      throw new EngineUsageError(`initialCarry holds ${start.zH.length} / ${start.zL.length} values for z_H / z_L; a batch of ${z.B} needs ${z.rows * z.H} each ([B][seq_len+puzzle_emb_len][hidden]).`);

    this.busy = true;
    const trace: Trace = { batch: z.B, seqLen: z.L, vocab: z.V, steps: [], haltStep: new Int32Array(z.B) };
    try {
      this.uploadInput(input);
      const enc = this.device.createCommandEncoder({ label: 'solve prologue' });
      const pro = [this.prologue.embed];
      if (start) {
        this.device.queue.writeBuffer(this.buffers.zH, 0, new Float32Array(start.zH));
        this.device.queue.writeBuffer(this.buffers.zL, 0, new Float32Array(start.zL));
        this.carry_ = { zH: Float32Array.from(start.zH), zL: Float32Array.from(start.zL), afterStep: start.afterStep };
      } else {
        pro.push(this.prologue.init);
        this.carry_ = null;
      }
      recordDispatches(enc, pro, 'prologue');
      this.device.queue.submit([enc.finish()]);
      this.gpuStep = firstStep - 1;
      await this.runSteps(trace, firstStep, lastStep, options);
    } finally {
      this.busy = false;
    }
    return trace;
  }

  private submitStep(step: number, slot: number, opts: SolveOptions): Promise<void> {
    const L = this.layout;
    const z = this.sizes;
    const b = this.buffers;
    const st = this.staging[slot];
    const enc = this.device.createCommandEncoder({ label: `supervision step ${step}` });
    recordDispatches(enc, opts.recordInner ? this.stepInner : this.stepPlain, `step ${step}`);
    const cells = z.B * z.L;
    enc.copyBufferToBuffer(b.preds, 0, st, L.preds, cells * 4);
    enc.copyBufferToBuffer(b.conf, 0, st, L.conf, cells * 4);
    enc.copyBufferToBuffer(b.q, 0, st, L.q, 2 * z.B * 4);
    if (opts.recordLogits) enc.copyBufferToBuffer(b.logits, 0, st, L.logits, cells * z.V * 4);
    if (opts.recordInner) {
      enc.copyBufferToBuffer(b.innerPreds, 0, st, L.innerPreds, z.calls * cells * 4);
      enc.copyBufferToBuffer(b.innerNorms, 0, st, L.innerNorms, z.calls * 2 * z.B * 4);
    }
    if (this.snapshotCarry) {
      enc.copyBufferToBuffer(b.zH, 0, st, L.zH, z.rows * z.H * 4);
      enc.copyBufferToBuffer(b.zL, 0, st, L.zL, z.rows * z.H * 4);
    }
    this.device.queue.submit([enc.finish()]);
    this.gpuStep = step;
    return st.mapAsync(GPUMapMode.READ);
  }

  private readStep(step: number, slot: number, opts: SolveOptions): StepTrace {
    const L = this.layout;
    const z = this.sizes;
    const c = this.bundle.config;
    const cells = z.B * z.L;
    const st = this.staging[slot];
    const ab = st.getMappedRange();
    const q = new Float32Array(ab, L.q, 2 * z.B);
    const qHalt = new Float32Array(z.B);
    const qContinue = new Float32Array(z.B);
    for (let i = 0; i < z.B; i++) {
      qHalt[i] = q[2 * i];
      qContinue[i] = q[2 * i + 1];
    }
    const out: StepTrace = {
      step,
      preds: new Int32Array(ab.slice(L.preds, L.preds + cells * 4)),
      confidence: new Float32Array(ab.slice(L.conf, L.conf + cells * 4)),
      qHalt,
      qContinue,
    };
    if (opts.recordLogits) out.logits = new Float32Array(ab.slice(L.logits, L.logits + cells * z.V * 4));
    if (opts.recordInner) {
      const inner: InnerTrace[] = [];
      const norms = new Float32Array(ab, L.innerNorms, z.calls * 2 * z.B);
      let i = 0;
      for (let cycle = 0; cycle < c.H_cycles; cycle++)
        for (let call = 0; call <= c.L_cycles; call++, i++) {
          const yNorm = new Float32Array(z.B);
          const zNorm = new Float32Array(z.B);
          for (let bb = 0; bb < z.B; bb++) {
            yNorm[bb] = norms[i * 2 * z.B + 2 * bb];
            zNorm[bb] = norms[i * 2 * z.B + 2 * bb + 1];
          }
          const o = L.innerPreds + i * cells * 4;
          inner.push({ cycle, call, target: call < c.L_cycles ? 'z' : 'y', preds: new Int32Array(ab.slice(o, o + cells * 4)), yNorm, zNorm });
        }
      out.inner = inner;
    }
    if (this.snapshotCarry)
      this.carry_ = {
        zH: new Float32Array(ab.slice(L.zH, L.zH + z.rows * z.H * 4)),
        zL: new Float32Array(ab.slice(L.zL, L.zL + z.rows * z.H * 4)),
        afterStep: step,
      };
    st.unmap();
    return out;
  }

  private async runSteps(trace: Trace, first: number, last: number, opts: SolveOptions): Promise<void> {
    const ring = this.staging.length;
    const inflight: Array<{ step: number; slot: number; mapped: Promise<void> }> = [];
    let next = first;
    const launch = () => {
      const slot = (next - first) % ring;
      const mapped = this.submitStep(next, slot, opts);
      // Marked handled at once: after a device loss the steps behind the one awaited reject while this solve waits
      // for the loss to be reported, before `finally` awaits them (an unhandled rejection would reach the page).
      mapped.catch(() => undefined);
      inflight.push({ step: next, slot, mapped });
      next++;
    };
    const stop = () => opts.signal?.aborted === true;
    try {
      while (inflight.length < ring && next <= last && !stop()) launch();
      while (inflight.length > 0) {
        const head = inflight.shift()!;
        await head.mapped;
        const step = this.readStep(head.step, head.slot, opts);
        trace.steps.push(step);
        for (let i = 0; i < trace.batch; i++) if (trace.haltStep[i] === 0 && step.qHalt[i] > 0) trace.haltStep[i] = step.step;
        opts.onStep?.(step);
        const halted = opts.earlyHalt === true && trace.haltStep.every((s) => s > 0);
        if (stop()) trace.cancelled = true;
        if (stop() || halted) break;
        if (next <= last) launch();
      }
      if (trace.steps.length === 0 && stop()) trace.cancelled = true;
    } catch (e) {
      if (this.lost || (await this.lostSoon())) throw new GpuDeviceLostError(this.lost!.reason, this.lost!.message);
      throw e;
    } finally {
      // Steps submitted ahead of a cancel or early halt: let their mapping settle so the ring is reusable.
      for (const f of inflight) {
        try {
          await f.mapped;
          this.staging[f.slot].unmap();
        } catch {
          /* device lost or buffer destroyed: nothing to release */
        }
      }
    }
  }

  /** A failed mapAsync may precede the device.lost callback by a moment. */
  private async lostSoon(): Promise<boolean> {
    await Promise.race([this.device.lost, new Promise((r) => setTimeout(r, 200))]);
    return this.lost !== null;
  }

  /** Reads the current GPU carry (the state after `afterStep` steps, possibly ahead of a cancelled trace). */
  async readCarry(): Promise<Carry> {
    this.checkAlive();
    const z = this.sizes;
    const bytes = z.rows * z.H * 4;
    const st = this.device.createBuffer({ label: 'carry read-back', size: 2 * bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder({ label: 'carry read-back' });
    enc.copyBufferToBuffer(this.buffers.zH, 0, st, 0, bytes);
    enc.copyBufferToBuffer(this.buffers.zL, 0, st, bytes, bytes);
    this.device.queue.submit([enc.finish()]);
    await st.mapAsync(GPUMapMode.READ);
    const ab = st.getMappedRange();
    const carry = { zH: new Float32Array(ab.slice(0, bytes)), zL: new Float32Array(ab.slice(bytes, 2 * bytes)), afterStep: this.gpuStep };
    st.unmap();
    st.destroy();
    return carry;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const buf of this.weights.values()) buf.destroy();
    for (const buf of Object.values(this.buffers)) buf.destroy();
    for (const buf of this.staging) buf.destroy();
    this.kernels.dispose();
  }
}
