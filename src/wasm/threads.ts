// Runs one kernel call of src/wasm/assembly/kernels.ts on several threads sharing one wasm memory. The
// calling thread is thread 0; helpers (Web Workers or Node worker_threads, made by a ThreadSpawner) each
// instantiate the same module on the same shared memory and sleep on a control block in that memory. A call
// writes the kernel's index and arguments there, bumps a generation counter and wakes the helpers; every thread
// runs the kernel on its own slice of the call's range (the last two arguments of every kernel) and the caller
// waits until all slices are done. Calls too small to repay a wake-up run on the calling thread alone.
//
// Control block (Int32 slots, all read and written with Atomics): 0 generation, 1 slices done, 2 kernel index
// (−1: exit), 3 argument count, 4 range total, 5 slice size, 6 failure flag, 7 which arguments are f32 (a bit
// each), from 16 the arguments (integers as they are, f32 as their bits). With plain typed-array reads of the
// arguments and helpers that spun before sleeping, two threads gave a different trace from one in 2 of 10 runs
// (V8, Node 20); with atomic reads and helpers that only sleep in Atomics.wait, in none of 18. A wake-up costs tens
// of microseconds against calls of milliseconds.
import { CONTROL_BYTES } from './layout';

export const KERNEL_NAMES = ['gemm', 'transpose', 'add', 'rmsNormRows', 'rmsNormColumns', 'swigluRows', 'swigluSplit', 'rope', 'attention'] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];
type KernelFn = (...args: number[]) => void;

/** What a helper thread is sent once: the compiled module, the shared memory, where the control block is. */
export interface ThreadInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  index: number;
  names: readonly string[];
}

/** A started helper: resolves once its instance exists, and can be terminated. */
export interface SpawnedThread {
  ready: Promise<void>;
  terminate(): void;
}
export type ThreadSpawner = (init: ThreadInit) => SpawnedThread;

/** Below this estimated cost (≈ nanoseconds on one core) a call runs on the calling thread alone. */
const PARALLEL_MIN_COST = 40_000;

export function moduleImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      memory,
      abort: () => {
        throw new Error('wasm kernel abort');
      },
    },
  };
}

/**
 * The helper's whole program. Self-contained (no imports, no closure) because Node runs it from its source
 * text; the Web Worker entry (thread.worker.ts) calls it directly.
 */
export function threadMain(init: ThreadInit, ready: () => void): void {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory, abort: () => { throw new Error('wasm kernel abort'); } } });
  const fns = init.names.map((n) => instance.exports[n] as (...a: number[]) => void);
  const ctl = new Int32Array(init.memory.buffer, init.control, 64);
  const bits = new Int32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  let generation = Atomics.load(ctl, 0); // read before saying ready: the first call may follow at once
  ready();
  for (;;) {
    Atomics.wait(ctl, 0, generation);
    generation = Atomics.load(ctl, 0);
    const op = Atomics.load(ctl, 2);
    if (op < 0) return;
    const total = Atomics.load(ctl, 4);
    const slice = Atomics.load(ctl, 5);
    const lo = Math.min(total, init.index * slice);
    const hi = Math.min(total, lo + slice);
    try {
      if (lo < hi) {
        const count = Atomics.load(ctl, 3);
        const floats = Atomics.load(ctl, 7);
        const a: number[] = [];
        for (let i = 0; i < count; i++) {
          bits[0] = Atomics.load(ctl, 16 + i);
          a.push(floats & (1 << i) ? asFloat[0] : bits[0]);
        }
        fns[op](...a, lo, hi);
      }
    } catch {
      Atomics.store(ctl, 6, 1);
    }
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
}

export class KernelRunner {
  readonly threads: number;
  private readonly fns: KernelFn[];
  private readonly ctl?: Int32Array;
  private readonly bits = new Int32Array(1);
  private readonly asFloat = new Float32Array(this.bits.buffer);
  private readonly helpers: SpawnedThread[];
  private readonly canWait: boolean;

  private constructor(instance: WebAssembly.Instance, memory: WebAssembly.Memory, control: number, helpers: SpawnedThread[]) {
    this.fns = KERNEL_NAMES.map((n) => instance.exports[n] as KernelFn);
    this.helpers = helpers;
    this.threads = helpers.length + 1;
    if (helpers.length) {
      this.ctl = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
    }
    this.canWait = canBlock();
  }

  /** Instantiates the module on `memory` here and on `threads − 1` helpers (none without a spawner). */
  static async create(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number, threads: number, spawn?: ThreadSpawner): Promise<KernelRunner> {
    const instance = await WebAssembly.instantiate(module, moduleImports(memory));
    const helpers: SpawnedThread[] = [];
    if (spawn && threads > 1) {
      new Int32Array(memory.buffer, control, CONTROL_BYTES / 4).fill(0);
      try {
        for (let i = 1; i < threads; i++) helpers.push(spawn({ module, memory, control, index: i, names: KERNEL_NAMES }));
        await Promise.all(helpers.map((h) => h.ready));
      } catch (e) {
        for (const h of helpers) h.terminate();
        throw e;
      }
    }
    return new KernelRunner(instance, memory, control, helpers);
  }

  /**
   * Runs kernel `name` with `args` over the range [0, total), split in slices that are multiples of `align`.
   * `cost` estimates the call's work (≈ ns on one core) to decide whether helpers are worth waking.
   */
  run(name: KernelName, args: number[], total: number, cost: number, align = 1): void {
    const op = KERNEL_NAMES.indexOf(name);
    const ctl = this.ctl;
    if (!ctl || cost < PARALLEL_MIN_COST || total < 2) {
      this.fns[op](...args, 0, total);
      return;
    }
    const T = this.threads;
    const slice = Math.ceil(Math.ceil(total / T) / align) * align;
    let floats = 0;
    args.forEach((v, i) => {
      if (Number.isInteger(v)) Atomics.store(ctl, 16 + i, v);
      else {
        this.asFloat[0] = v;
        Atomics.store(ctl, 16 + i, this.bits[0]);
        floats |= 1 << i;
      }
    });
    Atomics.store(ctl, 2, op);
    Atomics.store(ctl, 3, args.length);
    Atomics.store(ctl, 4, total);
    Atomics.store(ctl, 5, slice);
    Atomics.store(ctl, 7, floats);
    Atomics.store(ctl, 1, 0);
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    let failed: unknown;
    try {
      this.fns[op](...args, 0, Math.min(total, slice));
    } catch (e) {
      failed = e;
    }
    for (let done = Atomics.load(ctl, 1); done < T - 1; done = Atomics.load(ctl, 1)) if (this.canWait) Atomics.wait(ctl, 1, done, 50);
    if (failed) throw failed;
    if (Atomics.exchange(ctl, 6, 0)) throw new Error(`The wasm kernel ${name} failed on a helper thread.`);
  }

  dispose(): void {
    if (this.ctl) {
      Atomics.store(this.ctl, 2, -1);
      Atomics.add(this.ctl, 0, 1);
      Atomics.notify(this.ctl, 0);
    }
    for (const h of this.helpers) h.terminate();
    this.helpers.length = 0;
  }
}

/** Atomics.wait is refused on a page's main thread; there the caller spins instead. */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
