// The TRM network (`L_level`) on the wasm kernels: the same calls as src/core/reference/network.ts, with the
// weights laid out once at load in the module's memory (src/wasm/layout.ts) and every buffer allocated once,
// so a call only copies the puzzle's state in and out. Kernels run on `threads` threads when the memory can be
// shared (cross-origin isolated pages, Node) and on one otherwise.
import type { ModelBundle } from '../core/bundle';
import { derivedSizes, type DerivedSizes, type TrmConfig } from '../core/config';
import type { TrmNetwork } from '../core/reference/network';
import { ropeTables } from '../core/reference/ops';
import { KERNELS_MAX_PAGES, KERNELS_PLAIN_BASE64, KERNELS_SHARED_BASE64 } from './kernels-wasm';
import { checkedWasmLayout, WasmMemoryError, type WasmLayout } from './layout';
import { KernelRunner, type ThreadSpawner } from './threads';

export class WasmUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WasmUnsupportedError';
  }
}

export interface WasmNetworkOptions {
  /** Threads to run kernels on (the calling one included); 1 without a spawner or without shared memory. */
  threads?: number;
  spawn?: ThreadSpawner;
}

/** What the running engine could use, for the UI and the CLI to say. */
export interface WasmFacts {
  threads: number;
  /** Why fewer threads than asked run, if so. */
  limitedBy?: string;
}

/** The kernels' module, in its shared-memory (threads) or plain-memory build. */
export function kernelsBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const bin = atob(shared ? KERNELS_SHARED_BASE64 : KERNELS_PLAIN_BASE64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Whether a shared wasm memory can be made here (SharedArrayBuffer needs cross-origin isolation on the web). */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** W [rows][cols] (row-major) into dst as [cols][rows]. */
function transposeInto(dst: Float32Array, at: number, w: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const src = r * cols;
    for (let c = 0; c < cols; c++) dst[at + c * rows + r] = w[src + c];
  }
}

function tensor(bundle: ModelBundle, key: string): Float32Array {
  const t = bundle.tensors[key];
  if (!t) throw new Error(`The model bundle has no tensor ${key}; validate it with validateBundle() first.`);
  return t.data;
}

export class WasmNetwork implements TrmNetwork {
  readonly config: TrmConfig;
  readonly sizes: DerivedSizes;
  readonly facts: WasmFacts;
  private readonly layout: WasmLayout;
  private readonly f32: Float32Array;
  private runner: KernelRunner | null;

  private constructor(config: TrmConfig, layout: WasmLayout, memory: WebAssembly.Memory, runner: KernelRunner, facts: WasmFacts) {
    this.config = config;
    this.sizes = derivedSizes(config);
    this.layout = layout;
    this.f32 = new Float32Array(memory.buffer);
    this.runner = runner;
    this.facts = facts;
  }

  static async create(bundle: ModelBundle, options: WasmNetworkOptions = {}): Promise<WasmNetwork> {
    const c = bundle.config;
    const layout = checkedWasmLayout(c);
    const wanted = Math.max(1, Math.floor(options.threads ?? 1));
    let limitedBy: string | undefined;
    if (wanted > 1 && !options.spawn) limitedBy = 'no helper threads can be started here';
    else if (wanted > 1 && !sharedMemoryAvailable()) limitedBy = 'the page is not cross-origin isolated, so wasm memory cannot be shared';
    const shared = wanted > 1 && !limitedBy;
    const bytes = kernelsBytes(shared);
    if (!WebAssembly.validate(bytes))
      throw new WasmUnsupportedError('This WebAssembly has no 128-bit SIMD, which the wasm engine needs; the CPU reference runs instead.');
    const module = await WebAssembly.compile(bytes);
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: layout.pages, maximum: Math.min(KERNELS_MAX_PAGES, Math.max(layout.pages, 1)), shared });
    } catch (e) {
      throw new WasmMemoryError(`Could not reserve ${(layout.bytes / 1024 ** 2).toFixed(0)} MiB of wasm memory for this model: ${(e as Error).message}`);
    }
    const runner = await KernelRunner.create(module, memory, layout.control, shared ? wanted : 1, options.spawn);
    const net = new WasmNetwork(c, layout, memory, runner, { threads: runner.threads, ...(limitedBy ? { limitedBy } : {}) });
    net.loadWeights(bundle);
    return net;
  }

  private loadWeights(bundle: ModelBundle): void {
    const c = this.config;
    const { seqTotal: S, inter, interT, headDim } = this.sizes;
    const H = c.hidden_size;
    const f = this.f32;
    this.layout.layers.forEach((at, l) => {
      const p = `L_level.layers.${l}`;
      transposeInto(f, at.mlpGateUpT / 4, tensor(bundle, `${p}.mlp.gate_up_proj.weight`), 2 * inter, H);
      transposeInto(f, at.mlpDownT / 4, tensor(bundle, `${p}.mlp.down_proj.weight`), H, inter);
      if (c.mlp_t) {
        f.set(tensor(bundle, `${p}.mlp_t.gate_up_proj.weight`).subarray(0, 2 * interT * S), at.tokenGateUp! / 4);
        f.set(tensor(bundle, `${p}.mlp_t.down_proj.weight`).subarray(0, S * interT), at.tokenDown! / 4);
      } else {
        transposeInto(f, at.qkvT! / 4, tensor(bundle, `${p}.self_attn.qkv_proj.weight`), 3 * H, H);
        transposeInto(f, at.oT! / 4, tensor(bundle, `${p}.self_attn.o_proj.weight`), H, H);
      }
    });
    if (this.layout.ropeCos !== undefined) {
      const rope = ropeTables(S, headDim, c.rope_theta);
      f.set(rope.cos, this.layout.ropeCos / 4);
      f.set(rope.sin, this.layout.ropeSin! / 4);
    }
  }

  private get run(): KernelRunner {
    if (!this.runner) throw new Error('This WasmNetwork was disposed.');
    return this.runner;
  }

  /** C = A·B (+ C): A [rows][K] at a, B [K][N] at b; the rows are split between threads. */
  private gemm(a: number, lda: number, b: number, ldb: number, out: number, ldc: number, rows: number, N: number, K: number, accumulate: boolean): void {
    this.run.run('gemm', [a, lda, b, ldb, out, ldc, N, K, accumulate ? 1 : 0], rows, (rows * N * K) / 8, 4);
  }

  private selfAttention(l: number): void {
    const { seqTotal: S } = this.sizes;
    const H = this.config.hidden_size;
    const heads = this.config.num_heads;
    const L = this.layout;
    const w = L.layers[l];
    this.gemm(L.h, H, w.qkvT!, 3 * H, L.wide, 3 * H, S, 3 * H, H, false);
    if (L.ropeCos !== undefined) this.run.run('rope', [L.wide, H, heads, L.ropeCos, L.ropeSin!], S, S * H * 2);
    this.run.run('transpose', [L.wide + 4 * H, 3 * H, L.kt!, S, H], S, S * H);
    this.run.run('attention', [L.wide, L.kt!, L.probs!, L.act, S, H, heads], S, (2 * S * S * H) / 8 + S * S * heads * 4, 4);
    this.gemm(L.act, H, w.oT!, H, L.h, H, S, H, H, true);
    this.run.run('rmsNormRows', [L.h, H, this.config.rms_norm_eps], S, S * H);
  }

  private tokenMix(l: number): void {
    const { seqTotal: S, interT } = this.sizes;
    const H = this.config.hidden_size;
    const L = this.layout;
    const w = L.layers[l];
    this.gemm(w.tokenGateUp!, S, L.h, H, L.wide, H, 2 * interT, H, S, false);
    this.run.run('swigluSplit', [L.act, L.wide, interT * H], interT * H, interT * H * 4, 4);
    this.gemm(w.tokenDown!, interT, L.act, H, L.h, H, S, H, interT, true);
    this.run.run('rmsNormColumns', [L.h, S, H, this.config.rms_norm_eps, L.columnSums!], H, S * H, 4);
  }

  private channelMlp(l: number): void {
    const { seqTotal: S, inter } = this.sizes;
    const H = this.config.hidden_size;
    const L = this.layout;
    const w = L.layers[l];
    this.gemm(L.h, H, w.mlpGateUpT, 2 * inter, L.wide, 2 * inter, S, 2 * inter, H, false);
    this.run.run('swigluRows', [L.act, L.wide, inter], S, S * inter * 4);
    this.gemm(L.act, inter, w.mlpDownT, H, L.h, H, S, H, inter, true);
    this.run.run('rmsNormRows', [L.h, H, this.config.rms_norm_eps], S, S * H);
  }

  call(state: Float32Array, injection: Float32Array): void {
    const n = this.sizes.seqTotal * this.config.hidden_size;
    const L = this.layout;
    this.f32.set(state.subarray(0, n), L.h / 4);
    this.f32.set(injection.subarray(0, n), L.injection / 4);
    this.run.run('add', [L.h, L.h, L.injection], n, n, 4);
    for (let l = 0; l < L.layers.length; l++) {
      if (this.config.mlp_t) this.tokenMix(l);
      else this.selfAttention(l);
      this.channelMlp(l);
    }
    state.set(this.f32.subarray(L.h / 4, L.h / 4 + n));
  }

  dispose(): void {
    this.runner?.dispose();
    this.runner = null;
  }
}
