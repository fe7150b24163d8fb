// What one benchmark run measures, and the table it prints. Pure: no timing, no GPU.
import { flopsPerStep, type TrmConfig } from '../src/core/config';
import { describeConfig } from './configs';

/** A timed column: our WGSL engine, our wasm engine, the CPU reference, ONNX Runtime Web (WebGPU EP, and/or its wasm EP). */
export type EngineLabel = 'webgpu' | 'wasm' | 'cpu' | 'ort-webgpu' | 'ort-wasm';

export interface Measurement {
  engine: EngineLabel;
  /** Milliseconds per supervision step (mean over `steps` timed steps), or null when it did not run. */
  msPerStep: number | null;
  steps: number; // timed steps behind msPerStep
  error?: string; // why it did not run
  /** max |logit - CPU reference logit| after step 1, when both ran. */
  maxAbsLogitDiffVsCpu?: number;
  /** Threads it actually ran on (our wasm engine's facts.threads, ORT's env.wasm.numThreads after init). */
  threads?: number;
  /** Why fewer threads ran than were asked, or how the count was chosen. */
  threadsNote?: string;
}

export interface BenchCase {
  model: string; // sudoku | maze
  config: TrmConfig;
  batch: number;
  results: Measurement[];
}

export interface BenchReport {
  date: string; // ISO
  runtime: string; // e.g. "browser: Chromium 142 / SwiftShader"
  adapter: string;
  emulated: boolean;
  size: string;
  /** --threads: asked for our wasm engine and ORT's wasm EP (each measurement says what it ran on). */
  threads?: number;
  cases: BenchCase[];
}

/** FLOPs of one supervision step for the whole batch (flopsPerStep is per puzzle). */
export function batchFlops(config: TrmConfig, batch: number): number {
  return flopsPerStep(config) * batch;
}

export function gflops(flops: number, ms: number | null): number | null {
  return ms === null || ms <= 0 ? null : flops / (ms * 1e6);
}

/** Time ratio t_a / t_b: below 1 means a is faster. */
export function timeRatio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b <= 0 ? null : a / b;
}

export function fmtMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 1e4 ? 1 : 2)} s`;
  return `${ms.toFixed(ms >= 100 ? 0 : ms >= 10 ? 1 : 2)} ms`;
}

export function fmtNum(v: number | null, digits = 2): string {
  if (v === null) return '—';
  if (v !== 0 && Math.abs(v) < 0.01) return v.toExponential(1);
  return v.toFixed(digits);
}

/** Ratios with 3 significant digits (they span 1e-4 … 1e2). */
export function fmtRatio(v: number | null): string {
  if (v === null) return '—';
  return v >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

function find(c: BenchCase, engines: EngineLabel[]): Measurement | undefined {
  for (const e of engines) {
    const m = c.results.find((r) => r.engine === e && r.msPerStep !== null);
    if (m) return m;
  }
  return undefined;
}

/** The ORT column: the WebGPU EP when it ran, else the wasm EP. */
export function ortResult(c: BenchCase): Measurement | undefined {
  return find(c, ['ort-webgpu', 'ort-wasm']);
}

/** The ORT wasm column: ONNX Runtime Web's wasm EP (timed explicitly for our wasm engine, or as the ORT column's fallback). */
export function ortWasmResult(c: BenchCase): Measurement | undefined {
  return find(c, ['ort-wasm']);
}

export interface TableRow {
  config: string;
  batch: string;
  gflopPerStep: string;
  ours: string;
  oursGflops: string;
  wasm: string;
  wasmGflops: string;
  cpu: string;
  cpuGflops: string;
  ort: string;
  ortGflops: string;
  ortWasm: string;
  oursOverOrt: string;
  oursOverCpu: string;
  wasmOverOrtWasm: string;
  wasmOverCpu: string;
}

const HEADERS: TableRow = {
  config: 'config',
  batch: 'B',
  gflopPerStep: 'GFLOP/step',
  ours: 'ours (WGSL)',
  oursGflops: 'GFLOP/s',
  wasm: 'ours (wasm)',
  wasmGflops: 'GFLOP/s',
  cpu: 'CPU ref',
  cpuGflops: 'GFLOP/s',
  ort: 'ORT Web',
  ortGflops: 'GFLOP/s',
  ortWasm: 'ORT wasm',
  oursOverOrt: 't_ours/t_ORT',
  oursOverCpu: 't_ours/t_CPU',
  wasmOverOrtWasm: 't_wasm/t_ORTwasm',
  wasmOverCpu: 't_wasm/t_CPU',
};

export function tableRows(cases: BenchCase[]): TableRow[] {
  return cases.map((c) => {
    const flops = batchFlops(c.config, c.batch);
    const ours = find(c, ['webgpu'])?.msPerStep ?? null;
    const wasm = find(c, ['wasm'])?.msPerStep ?? null;
    const cpu = find(c, ['cpu'])?.msPerStep ?? null;
    const ort = ortResult(c);
    const ortMs = ort?.msPerStep ?? null;
    const ortWasmMs = ortWasmResult(c)?.msPerStep ?? null;
    return {
      config: describeConfig(c.config),
      batch: String(c.batch),
      gflopPerStep: fmtNum(flops / 1e9),
      ours: fmtMs(ours),
      oursGflops: fmtNum(gflops(flops, ours)),
      wasm: fmtMs(wasm),
      wasmGflops: fmtNum(gflops(flops, wasm)),
      cpu: fmtMs(cpu),
      cpuGflops: fmtNum(gflops(flops, cpu)),
      ort: ort ? `${fmtMs(ortMs)}${ort.engine === 'ort-wasm' ? ' (wasm)' : ''}` : '—',
      ortGflops: fmtNum(gflops(flops, ortMs)),
      ortWasm: fmtMs(ortWasmMs),
      oursOverOrt: fmtRatio(timeRatio(ours, ortMs)),
      oursOverCpu: fmtRatio(timeRatio(ours, cpu)),
      wasmOverOrtWasm: fmtRatio(timeRatio(wasm, ortWasmMs)),
      wasmOverCpu: fmtRatio(timeRatio(wasm, cpu)),
    };
  });
}

/** A GitHub-flavoured Markdown table (readable in a terminal too). */
export function formatTable(cases: BenchCase[]): string {
  const rows = [HEADERS, ...tableRows(cases)];
  const keys = Object.keys(HEADERS) as (keyof TableRow)[];
  const width = keys.map((k) => Math.max(...rows.map((r) => r[k].length)));
  const line = (r: TableRow) => `| ${keys.map((k, i) => (i < 2 ? r[k].padEnd(width[i]) : r[k].padStart(width[i]))).join(' | ')} |`;
  const rule = `|${keys.map((_, i) => (i < 2 ? ':' : '-') + '-'.repeat(width[i]) + (i < 2 ? '-' : ':')).join('|')}|`;
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

/** Lines under the table: how far each column's step-1 logits are from the CPU reference's. */
export function agreementNotes(cases: BenchCase[]): string[] {
  const notes: string[] = [];
  for (const c of cases) {
    const parts = c.results.filter((r) => r.maxAbsLogitDiffVsCpu !== undefined).map((r) => `${r.engine} ${r.maxAbsLogitDiffVsCpu!.toExponential(1)}`);
    if (parts.length) notes.push(`${describeConfig(c.config)} B=${c.batch}: ${parts.join(', ')}`);
  }
  return notes;
}

/** Lines under the table: how many threads each multi-threaded column ran on, and why fewer than asked if so. */
export function threadNotes(cases: BenchCase[]): string[] {
  const notes: string[] = [];
  for (const c of cases) {
    const parts = c.results
      .filter((r) => r.threads !== undefined && r.msPerStep !== null)
      .map((r) => `${r.engine} ${r.threads} thread${r.threads === 1 ? '' : 's'}${r.threadsNote ? ` (${r.threadsNote})` : ''}`);
    if (parts.length) notes.push(`${describeConfig(c.config)} B=${c.batch}: ${parts.join(', ')}`);
  }
  return notes;
}

/** Lines under the table: every engine that did not run, and why. */
export function failureNotes(cases: BenchCase[]): string[] {
  const notes: string[] = [];
  for (const c of cases)
    for (const r of c.results)
      if (r.msPerStep === null && r.error) notes.push(`${describeConfig(c.config)} B=${c.batch} ${r.engine}: ${r.error}`);
  return notes;
}
