// One method per kernel family: each compiles (once, cached) the pipeline it needs, writes its uniform
// parameters and returns a ready-to-record Dispatch. The engine builds every Dispatch of a supervision
// step once per batch size and replays them; nothing is created in the step loop.
import { ShaderCompileError } from './errors';
import {
  chooseAttention,
  chooseMatmul,
  chooseRowNorm,
  grid1d,
  type BLayout,
  type ComputeLimits,
  type Epilogue,
  type MatmulChoice,
  type MatmulPreference,
} from './kernel-choice';
import { attentionForHeadDim, withF16Operand, type F16Operand } from './shader-variants';
import type { ShaderName, ShaderSources } from './shaders';

export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  /** Multiply-adds × 2 of the matmuls and attention (the benchmark's FLOP convention); absent elsewhere. */
  flops?: number;
}

export function recordDispatches(encoder: GPUCommandEncoder, dispatches: Dispatch[], label: string): void {
  const pass = encoder.beginComputePass({ label });
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  }
  pass.end();
}

export interface MatmulArgs {
  A: GPUBuffer;
  B: GPUBuffer;
  C: GPUBuffer;
  M: number;
  N: number;
  K: number;
  batch?: number;
  aOff?: number;
  aBs?: number;
  bOff?: number;
  bBs?: number;
  cOff?: number;
  cBs?: number;
  cLd: number;
  bLayout: BLayout;
  epilogue: Epilogue;
  /** The operand that is a weight stored as packed f16 (uploadWeights with weightStorage 'f16'). */
  f16?: F16Operand;
}

const NONE = 0xffffffff;

export function computeLimitsOf(device: GPUDevice): ComputeLimits {
  const l = device.limits;
  return {
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
    maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
  };
}

const variantLabel = (variant?: F16Operand | number): string =>
  typeof variant === 'number' ? ` (head_dim ${variant})` : variant ? ` (${variant} as f16)` : '';

export class Kernels {
  readonly device: GPUDevice;
  readonly limits: ComputeLimits;
  readonly prefer: MatmulPreference;
  /** Every matmul choice made, for tests and the benchmark printout. */
  readonly matmulChoices: Array<{ label: string; choice: MatmulChoice }> = [];
  private readonly sources: ShaderSources;
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private readonly uniforms: GPUBuffer[] = [];

  constructor(device: GPUDevice, sources: ShaderSources, prefer: MatmulPreference = 'auto') {
    this.device = device;
    this.sources = sources;
    this.limits = computeLimitsOf(device);
    this.prefer = prefer;
  }

  /** `variant`: a matmul's f16 operand, or the attention's head_dim (the text is specialised per head_dim). */
  private module(name: ShaderName, variant?: F16Operand | number): GPUShaderModule {
    const key = variant === undefined ? name : `${name} ${variant}`;
    let m = this.modules.get(key);
    if (!m) {
      let code = this.sources[name];
      if (typeof variant === 'number') code = attentionForHeadDim(code, variant);
      else if (variant) code = withF16Operand(code, name as 'matmul' | 'matmul_vec4', variant);
      m = this.device.createShaderModule({ label: `shaders/${name}.wgsl${variantLabel(variant)}`, code });
      this.modules.set(key, m);
    }
    return m;
  }

  pipeline(name: ShaderName, entryPoint: string, constants: Record<string, number> = {}, variant?: F16Operand | number): Promise<GPUComputePipeline> {
    const label = `${name}${variantLabel(variant)}.${entryPoint}${Object.keys(constants).length ? ' ' + JSON.stringify(constants) : ''}`;
    let p = this.pipelines.get(label);
    if (!p) {
      const module = this.module(name, variant);
      p = this.device
        .createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint, constants } })
        .catch(async (e: unknown) => {
          const info = await module.getCompilationInfo();
          const msgs = info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
          throw new ShaderCompileError(label, [(e as Error).message, ...msgs].join('; '));
        });
      this.pipelines.set(label, p);
    }
    return p;
  }

  private uniform(label: string, words: Array<number | { f32: number }>): GPUBuffer {
    const size = Math.max(16, Math.ceil((words.length * 4) / 16) * 16);
    const buf = this.device.createBuffer({ label: `${label} params`, size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
    const ab = buf.getMappedRange();
    const u = new Uint32Array(ab);
    const f = new Float32Array(ab);
    words.forEach((w, i) => {
      if (typeof w === 'number') u[i] = w >>> 0;
      else f[i] = w.f32;
    });
    buf.unmap();
    this.uniforms.push(buf);
    return buf;
  }

  private bind(label: string, pipeline: GPUComputePipeline, params: GPUBuffer, buffers: Record<number, GPUBuffer>): GPUBindGroup {
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: params } }];
    for (const [binding, buffer] of Object.entries(buffers)) entries.push({ binding: Number(binding), resource: { buffer } });
    return this.device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries });
  }

  async matmul(label: string, a: MatmulArgs): Promise<Dispatch> {
    const batch = a.batch ?? 1;
    const [aOff, aBs, bOff, bBs, cOff, cBs] = [a.aOff ?? 0, a.aBs ?? 0, a.bOff ?? 0, a.bBs ?? 0, a.cOff ?? 0, a.cBs ?? 0];
    const choice = chooseMatmul(
      { M: a.M, N: a.N, K: a.K, batch, bLayout: a.bLayout, epilogue: a.epilogue, offsets: [aOff, aBs, bOff, bBs, cOff, cBs, a.cLd, a.K, a.N] },
      this.limits,
      this.prefer,
    );
    this.matmulChoices.push({ label, choice });
    const pipeline = await this.pipeline(choice.shader, choice.entryPoint, {
      WG_X: choice.wgX,
      WG_Y: choice.wgY,
      TILE_K: choice.tileK,
      B_KN: a.bLayout === 'kn' ? 1 : 0,
      EPILOGUE: choice.epilogueCode,
      ...(choice.variant === 'vec4' ? { M_TAIL: choice.mTail ? 1 : 0, RPT: choice.rpt, CPT: choice.cpt } : {}),
    }, a.f16);
    const params = this.uniform(label, [a.M, a.N, a.K, 0, aOff, aBs, bOff, bBs, cOff, cBs, a.cLd, 0]);
    return { label, pipeline, bindGroup: this.bind(label, pipeline, params, { 1: a.A, 2: a.B, [choice.entryPoint === 'main_swiglu_n' ? 4 : 3]: a.C }), workgroups: choice.workgroups, flops: 2 * a.M * a.N * a.K * batch };
  }

  async embed(
    label: string,
    b: { out: GPUBuffer; tokens: GPUBuffer; puzzleRows: GPUBuffer; embedding: GPUBuffer },
    z: { S: number; P: number; L: number; H: number; ndim: number; rows: number; rowsPadded: number; scale: number },
  ): Promise<Dispatch> {
    const pipeline = await this.pipeline('embed', 'main');
    const total = z.rowsPadded * z.H;
    const params = this.uniform(label, [z.S, z.P, z.L, z.H, z.ndim, z.rows, total, { f32: z.scale }]);
    const bindGroup = this.bind(label, pipeline, params, { 1: b.tokens, 2: b.puzzleRows, 3: b.embedding, 4: b.out });
    return { label, pipeline, bindGroup, workgroups: grid1d(total, 256, this.limits.maxComputeWorkgroupsPerDimension) };
  }

  async initState(label: string, zH: GPUBuffer, zL: GPUBuffer, hInit: GPUBuffer, lInit: GPUBuffer, rows: number, H: number): Promise<Dispatch> {
    const pipeline = await this.pipeline('state', 'init_state');
    const count4 = (rows * H) / 4;
    const params = this.uniform(label, [count4, H / 4, 0, 0]);
    const bindGroup = this.bind(label, pipeline, params, { 1: zH, 2: hInit, 3: lInit, 4: zL });
    return { label, pipeline, bindGroup, workgroups: grid1d(count4, 256, this.limits.maxComputeWorkgroupsPerDimension) };
  }

  /** a = a + (b + c) over n f32 values (n % 4 == 0). */
  async add3(label: string, a: GPUBuffer, b: GPUBuffer, c: GPUBuffer, n: number): Promise<Dispatch> {
    const pipeline = await this.pipeline('state', 'add3');
    const params = this.uniform(label, [n / 4, 0, 0, 0]);
    return { label, pipeline, bindGroup: this.bind(label, pipeline, params, { 1: a, 2: b, 3: c }), workgroups: grid1d(n / 4, 256, this.limits.maxComputeWorkgroupsPerDimension) };
  }

  /** a = a + b over n f32 values (n % 4 == 0). */
  async add2(label: string, a: GPUBuffer, b: GPUBuffer, n: number): Promise<Dispatch> {
    const pipeline = await this.pipeline('state', 'add2');
    const params = this.uniform(label, [n / 4, 0, 0, 0]);
    return { label, pipeline, bindGroup: this.bind(label, pipeline, params, { 1: a, 2: b }), workgroups: grid1d(n / 4, 256, this.limits.maxComputeWorkgroupsPerDimension) };
  }

  /** norms[outOff + 2b + {0,1}] = RMS of z_H / z_L of puzzle b over S·H values. */
  async batchRms(label: string, zH: GPUBuffer, zL: GPUBuffer, norms: GPUBuffer, outOff: number, B: number, perBatch: number): Promise<Dispatch> {
    const pipeline = await this.pipeline('state', 'batch_rms');
    const params = this.uniform(label, [0, 0, perBatch / 4, outOff]);
    return { label, pipeline, bindGroup: this.bind(label, pipeline, params, { 1: zH, 2: zL, 3: norms }), workgroups: [B, 2, 1] };
  }

  async rmsRows(label: string, x: GPUBuffer, rows: number, H: number, eps: number): Promise<Dispatch> {
    const choice = chooseRowNorm(rows, H, this.limits);
    const pipeline = await this.pipeline('rmsnorm', 'rows', { TPR: choice.threadsPerRow });
    const params = this.uniform(label, [rows, H, 0, { f32: eps }]);
    return { label, pipeline, bindGroup: this.bind(label, pipeline, params, { 1: x }), workgroups: choice.workgroups };
  }

  async rmsCols(label: string, x: GPUBuffer, B: number, S: number, H: number, eps: number): Promise<Dispatch> {
    const pipeline = await this.pipeline('rmsnorm', 'cols');
    const params = this.uniform(label, [B * S, H, S, { f32: eps }]);
    return { label, pipeline, bindGroup: this.bind(label, pipeline, params, { 1: x }), workgroups: [Math.ceil(H / 4 / 64), B, 1] };
  }

  async attention(
    label: string,
    b: { qkv: GPUBuffer; cos: GPUBuffer; sin: GPUBuffer; out: GPUBuffer },
    z: { S: number; H: number; heads: number; headDim: number; batch: number; rope: boolean },
  ): Promise<Dispatch> {
    const choice = chooseAttention({ seqTotal: z.S, headDim: z.headDim, heads: z.heads, batch: z.batch, rope: z.rope }, this.limits);
    const pipeline = await this.pipeline('attention', 'main', { QB: choice.queryBlock, ROPE: z.rope ? 1 : 0 }, z.headDim);
    const params = this.uniform(label, [z.S, z.H, z.heads, 0, { f32: 1 / Math.sqrt(z.headDim) }, 0, 0, 0]);
    const bindGroup = this.bind(label, pipeline, params, { 1: b.qkv, 2: b.cos, 3: b.sin, 4: b.out });
    return { label, pipeline, bindGroup, workgroups: choice.workgroups, flops: 4 * z.S * z.S * z.H * z.batch }; // QKᵀ and PV
  }

  /** logits, preds[predsOff + cell], conf[confOff + cell] (confOff null: not written) for B·L cells. */
  async lmHead(
    label: string,
    b: { zH: GPUBuffer; weight: GPUBuffer; logits: GPUBuffer; preds: GPUBuffer; conf: GPUBuffer },
    z: { B: number; L: number; S: number; P: number; H: number; V: number },
    predsOff: number,
    confOff: number | null,
  ): Promise<Dispatch> {
    const pipeline = await this.pipeline('heads', 'lm_head_argmax');
    const cells = z.B * z.L;
    const params = this.uniform(label, [cells, z.L, z.S, z.P, z.H, z.V, predsOff, confOff ?? NONE]);
    const bindGroup = this.bind(label, pipeline, params, { 1: b.zH, 2: b.weight, 3: b.logits, 4: b.preds, 5: b.conf });
    return { label, pipeline, bindGroup, workgroups: grid1d(cells, 64, this.limits.maxComputeWorkgroupsPerDimension) };
  }

  async qHead(label: string, b: { zH: GPUBuffer; weight: GPUBuffer; bias: GPUBuffer; q: GPUBuffer }, z: { B: number; S: number; H: number }): Promise<Dispatch> {
    const pipeline = await this.pipeline('heads', 'q_head');
    const params = this.uniform(label, [0, 0, z.S, 0, z.H, 0, 0, 0]);
    return { label, pipeline, bindGroup: this.bind(label, pipeline, params, { 1: b.zH, 2: b.weight, 3: b.bias, 4: b.q }), workgroups: [z.B, 1, 1] };
  }

  dispose(): void {
    for (const u of this.uniforms) u.destroy();
    this.uniforms.length = 0;
  }
}
