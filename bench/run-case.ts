// One (model, batch) case: times each requested engine in turn, recording failures instead of throwing,
// so one broken column never hides the others. Runs in Node and in the page alike.
import type { ModelBundle } from '../src/core/bundle';
import { derivedSizes } from '../src/core/config';
import type { SolveInput } from '../src/core/trace';
import type { BenchEngine } from './args';
import { randomInput } from './random-bundle';
import type { BenchCase, Measurement } from './results';
import { timeCpuReference } from './time-cpu';
import { timeOrt, type OrtModule, type OrtProvider } from './time-ort';
import type { WasmTimer } from './time-wasm';

export interface CaseJob {
  model: string;
  batch: number;
  steps: number;
  warmup: number;
  cpuSteps: number;
  engines: BenchEngine[];
  /** Threads of our wasm engine and of ONNX Runtime's wasm EP. */
  threads: number;
}

/** Times our WebGPU engine: mean ms per supervision step after `warmup` untimed steps (+ step 1's logits when warmed up). */
export type WebGpuTimer = (bundle: ModelBundle, input: SolveInput, steps: number, warmup: number) => Promise<{ msPerStep: number; firstLogits?: Float32Array }>;

/** max |a - b| over two logit arrays of the same length. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`logits hold ${a.length} and ${b.length} values`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export interface CaseEnv {
  bundle: ModelBundle;
  webgpu?: WebGpuTimer | { unavailable: string };
  wasm?: WasmTimer | { unavailable: string };
  /** `providers`: the ORT column's execution providers, each a fallback for the one before. The wasm EP is
   * also timed on its own whenever our wasm column is asked for (unless the ORT column already ran it). */
  ort?: { module: OrtModule; onnx: Uint8Array; providers: OrtProvider[] } | { unavailable: string };
  log?: (line: string) => void;
}

function message(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

export async function runCase(job: CaseJob, env: CaseEnv): Promise<BenchCase> {
  const { bundle } = env;
  const input = randomInput(bundle.config, job.batch);
  const results: Measurement[] = [];
  const firstLogits = new Map<Measurement, Float32Array>();
  const log = env.log ?? (() => {});
  const tag = `${job.model} B=${job.batch}`;

  if (job.engines.includes('webgpu')) {
    const w = env.webgpu;
    if (!w) results.push({ engine: 'webgpu', msPerStep: null, steps: 0, error: 'no WebGPU engine in this runtime' });
    else if (typeof w !== 'function') results.push({ engine: 'webgpu', msPerStep: null, steps: 0, error: w.unavailable });
    else {
      log(`${tag}: WebGPU engine, ${job.warmup} warm-up + ${job.steps} timed step(s)`);
      try {
        const t = await w(bundle, input, job.steps, job.warmup);
        const m: Measurement = { engine: 'webgpu', msPerStep: t.msPerStep, steps: job.steps };
        results.push(m);
        if (t.firstLogits) firstLogits.set(m, t.firstLogits);
      } catch (e) {
        results.push({ engine: 'webgpu', msPerStep: null, steps: 0, error: message(e) });
      }
    }
  }

  const timeOrtProvider = async (o: { module: OrtModule; onnx: Uint8Array }, provider: OrtProvider): Promise<Measurement> => {
    const engine = provider === 'webgpu' ? 'ort-webgpu' : 'ort-wasm';
    log(`${tag}: ONNX Runtime Web (${provider} EP${provider === 'wasm' ? `, ${job.threads} thread(s) asked` : ''}), ${job.warmup} warm-up + ${job.steps} timed step(s)`);
    try {
      const t = await timeOrt(o.module, {
        onnx: o.onnx,
        provider,
        input,
        hInit: bundle.tensors.H_init.data,
        lInit: bundle.tensors.L_init.data,
        seqTotal: derivedSizes(bundle.config).seqTotal,
        steps: job.steps,
        warmup: job.warmup,
      });
      const m: Measurement = { engine, msPerStep: t.msPerStep, steps: t.steps };
      if (t.threads !== undefined) {
        m.threads = t.threads;
        if (t.threads < job.threads) m.threadsNote = `${job.threads} asked: ONNX Runtime fell back to ${t.threads}`;
      }
      firstLogits.set(m, t.firstLogits);
      return m;
    } catch (e) {
      return { engine, msPerStep: null, steps: 0, error: message(e) };
    }
  };

  if (job.engines.includes('ort')) {
    const o = env.ort;
    if (!o) results.push({ engine: 'ort-webgpu', msPerStep: null, steps: 0, error: 'ONNX Runtime not loaded in this runtime' });
    else if ('unavailable' in o) results.push({ engine: 'ort-webgpu', msPerStep: null, steps: 0, error: o.unavailable });
    else {
      for (const provider of o.providers) {
        const m = await timeOrtProvider(o, provider);
        results.push(m);
        if (m.msPerStep !== null) break; // the wasm EP is only a fallback for a failed WebGPU EP here
      }
    }
  }

  if (job.engines.includes('wasm')) {
    // ONNX Runtime's wasm EP, on the same threads: the column our wasm engine is compared with.
    if (!results.some((r) => r.engine === 'ort-wasm')) {
      const o = env.ort;
      if (!o) results.push({ engine: 'ort-wasm', msPerStep: null, steps: 0, error: 'ONNX Runtime not loaded in this runtime' });
      else if ('unavailable' in o) results.push({ engine: 'ort-wasm', msPerStep: null, steps: 0, error: o.unavailable });
      else results.push(await timeOrtProvider(o, 'wasm'));
    }
    const w = env.wasm;
    if (!w) results.push({ engine: 'wasm', msPerStep: null, steps: 0, error: 'no wasm engine in this runtime' });
    else if (typeof w !== 'function') results.push({ engine: 'wasm', msPerStep: null, steps: 0, error: w.unavailable });
    else {
      // Where ONNX Runtime refused the threads asked for, ours runs on as many as it got: the ratio compares like with like.
      const ortThreads = results.find((r) => r.engine === 'ort-wasm' && r.msPerStep !== null)?.threads;
      const threads = ortThreads !== undefined && ortThreads < job.threads ? ortThreads : job.threads;
      log(`${tag}: wasm engine, ${threads} thread(s), ${job.warmup} warm-up + ${job.steps} timed step(s)`);
      try {
        const t = await w(bundle, input, job.steps, job.warmup, threads);
        const m: Measurement = { engine: 'wasm', msPerStep: t.msPerStep, steps: job.steps, threads: t.threads };
        const notes = [
          ...(threads < job.threads ? [`${job.threads} asked, timed on ORT's ${threads}`] : []),
          ...(t.limitedBy ? [t.limitedBy] : []),
        ];
        if (notes.length) m.threadsNote = notes.join('; ');
        results.push(m);
        if (t.firstLogits) firstLogits.set(m, t.firstLogits);
      } catch (e) {
        results.push({ engine: 'wasm', msPerStep: null, steps: 0, error: message(e) });
      }
    }
  }

  if (job.engines.includes('cpu')) {
    log(`${tag}: CPU reference, ${job.cpuSteps} timed step(s)`);
    try {
      const t = timeCpuReference(bundle, input, job.cpuSteps);
      results.push({ engine: 'cpu', msPerStep: t.msPerStep, steps: job.cpuSteps });
      // Are the columns computing the same thing? Step 1's logits against the CPU reference.
      for (const [m, logits] of firstLogits) m.maxAbsLogitDiffVsCpu = maxAbsDiff(logits, t.firstLogits);
    } catch (e) {
      results.push({ engine: 'cpu', msPerStep: null, steps: 0, error: message(e) });
    }
  }
  return { model: job.model, config: bundle.config, batch: job.batch, results };
}
