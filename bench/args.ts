// Command-line options of `npm run bench` (pure: parsed here, acted on in scripts/bench.ts).
import { BENCH_MODELS, BENCH_SIZES, type BenchModel, type BenchSize } from './configs';

export const BENCH_ENGINES = ['webgpu', 'wasm', 'cpu', 'ort'] as const;
export type BenchEngine = (typeof BENCH_ENGINES)[number];
export type BenchRuntime = 'browser' | 'node';

export interface BenchOptions {
  models: BenchModel[];
  /** 'auto' = 1 and 8 on a real GPU, 1 on an emulated one. */
  batches: number[] | 'auto';
  /** Timed supervision steps per engine; 'auto' = 10 on a real GPU, 1 on an emulated one. */
  steps: number | 'auto';
  warmup: number; // untimed steps first (pipeline compilation, first-use allocations)
  cpuSteps: number; // the CPU reference is slow: 1 timed step by default
  runtime: BenchRuntime;
  /** 'auto' = full on a real GPU, reduced on an emulated one (SwiftShader, lavapipe). */
  size: BenchSize | 'auto';
  engines: BenchEngine[];
  /** Threads of our wasm engine and of ONNX Runtime's wasm EP (the same count, so they compare). */
  threads: number;
  seed: number;
  json?: string; // also write the results as JSON here
}

export const BENCH_USAGE = `npm run bench -- [options]
  --configs sudoku,maze   models to time (default both)
  --batch 1,8|auto        batch sizes (auto: 1,8 on a GPU, 1 on an emulator)
  --steps N|auto          timed supervision steps per engine (auto: 10 on a GPU, 1 on an emulator)
  --warmup N              untimed steps before timing (default 1)
  --cpu-steps N           timed steps of the CPU reference (default 1; it is slow)
  --runtime browser|node  headless Chromium (WebGPU engine, CPU, ONNX Runtime Web) or Node + Dawn (default browser)
  --size full|reduced|quick|auto   model size (auto: full on a GPU, reduced on an emulator: hidden 128, maze 15x15)
  --quick                 = --size quick --steps 1 --batch 1 (smoke run, tiny sizes)
  --engines webgpu,wasm,cpu,ort   which columns to time (default all; wasm also times ORT's wasm EP)
  --threads N             threads of our wasm engine and of ORT's wasm EP (default min(4, cores))
  --seed N                weight seed (default 1)
  --json PATH             also write the measurements as JSON`;

export class BenchArgsError extends Error {
  constructor(message: string) {
    super(`${message}\n\n${BENCH_USAGE}`);
    this.name = 'BenchArgsError';
  }
}

function positiveInt(flag: string, v: string, allowZero = false): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new BenchArgsError(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} integer (got "${v}")`);
  return n;
}

function listOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T[] {
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new BenchArgsError(`${flag} needs a comma-separated list of ${allowed.join(', ')}`);
  for (const it of items) if (!allowed.includes(it as T)) throw new BenchArgsError(`${flag}: unknown "${it}" (choose from ${allowed.join(', ')})`);
  return [...new Set(items)] as T[];
}

/** The default of --threads: every core, at most 4 (ONNX Runtime Web's own default also stops at 4). */
export function defaultThreads(cores: number): number {
  return Math.max(1, Math.min(4, Math.floor(cores) || 1));
}

/** `cores`: this machine's (os.availableParallelism() in Node), for the default of --threads. */
export function parseBenchArgs(argv: string[], cores = 1): BenchOptions {
  const o: BenchOptions = {
    models: [...BENCH_MODELS],
    batches: 'auto',
    steps: 'auto',
    warmup: 1,
    cpuSteps: 1,
    runtime: 'browser',
    size: 'auto',
    engines: [...BENCH_ENGINES],
    threads: defaultThreads(cores),
    seed: 1,
  };
  let quick = false;
  const explicit = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--quick') {
      quick = true;
      continue;
    }
    if (flag === '--help' || flag === '-h') throw new BenchArgsError('Usage:');
    if (!flag.startsWith('--')) throw new BenchArgsError(`unexpected argument "${arg}"`);
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new BenchArgsError(`${flag} needs a value`);
    explicit.add(flag);
    switch (flag) {
      case '--configs': o.models = listOf(flag, value, BENCH_MODELS); break;
      case '--batch': o.batches = value === 'auto' ? 'auto' : [...new Set(value.split(',').map((s) => positiveInt(flag, s.trim())))]; break;
      case '--steps': o.steps = value === 'auto' ? 'auto' : positiveInt(flag, value); break;
      case '--warmup': o.warmup = positiveInt(flag, value, true); break;
      case '--cpu-steps': o.cpuSteps = positiveInt(flag, value); break;
      case '--runtime':
        if (value !== 'browser' && value !== 'node') throw new BenchArgsError(`--runtime must be browser or node (got "${value}")`);
        o.runtime = value;
        break;
      case '--size':
        if (value !== 'auto' && !BENCH_SIZES.includes(value as BenchSize)) throw new BenchArgsError(`--size must be ${BENCH_SIZES.join(', ')} or auto (got "${value}")`);
        o.size = value as BenchSize | 'auto';
        break;
      case '--engines': o.engines = listOf(flag, value, BENCH_ENGINES); break;
      case '--threads': o.threads = positiveInt(flag, value); break;
      case '--seed': o.seed = positiveInt(flag, value, true); break;
      case '--json': o.json = value; break;
      default: throw new BenchArgsError(`unknown option ${flag}`);
    }
  }
  if (quick) {
    if (!explicit.has('--size')) o.size = 'quick';
    if (!explicit.has('--steps')) o.steps = 1;
    if (!explicit.has('--batch')) o.batches = [1];
  }
  return o;
}

/** The settings 'auto' stands for: a reduced-but-honest run on emulators (a full-size step takes minutes there). */
export function resolveAuto(o: BenchOptions, emulated: boolean): { size: BenchSize; steps: number; batches: number[] } {
  return {
    size: o.size === 'auto' ? (emulated ? 'reduced' : 'full') : o.size,
    steps: o.steps === 'auto' ? (emulated ? 1 : 10) : o.steps,
    batches: o.batches === 'auto' ? (emulated ? [1] : [1, 8]) : o.batches,
  };
}

/** True for the software adapters of the test machines: only ratios mean anything there. */
export function isEmulatedAdapter(description: string): boolean {
  return /swiftshader|llvmpipe|lavapipe|software|cpu/i.test(description);
}
