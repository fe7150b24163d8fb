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

export interface CaseJob {
  model: string;
  batch: number;
  steps: number;
  warmup: number;
  cpuSteps: number;
  engines: BenchEngine[];
}

/** Times our WebGPU engine: mean ms per supervision step after `warmup` untimed steps. */
export type WebGpuTimer = (bundle: ModelBundle, input: SolveInput, steps: number, warmup: number) => Promise<number>;

export interface CaseEnv {
  bundle: ModelBundle;
  webgpu?: WebGpuTimer | { unavailable: string };
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
  const log = env.log ?? (() => {});
  const tag = `${job.model} B=${job.batch}`;

  if (job.engines.includes('webgpu')) {
    const w = env.webgpu;
    if (!w) results.push({ engine: 'webgpu', msPerStep: null, steps: 0, error: 'no WebGPU engine in this runtime' });
    else if (typeof w !== 'function') results.push({ engine: 'webgpu', msPerStep: null, steps: 0, error: w.unavailable });
    else {
      log(`${tag}: WebGPU engine, ${job.warmup} warm-up + ${job.steps} timed step(s)`);
      try {
        results.push({ engine: 'webgpu', msPerStep: await w(bundle, input, job.steps, job.warmup), steps: job.steps });
      } catch (e) {
        results.push({ engine: 'webgpu', msPerStep: null, steps: 0, error: message(e) });
      }
    }
  }

  if (job.engines.includes('ort')) {
    const o = env.ort;
    if (!o) results.push({ engine: 'ort-webgpu', msPerStep: null, steps: 0, error: 'ONNX Runtime not loaded in this runtime' });
    else if ('unavailable' in o) results.push({ engine: 'ort-webgpu', msPerStep: null, steps: 0, error: o.unavailable });
    else {
      for (const provider of o.providers) {
        const engine = provider === 'webgpu' ? 'ort-webgpu' : 'ort-wasm';
        log(`${tag}: ONNX Runtime Web (${provider} EP), ${job.warmup} warm-up + ${job.steps} timed step(s)`);
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
          results.push({ engine, msPerStep: t.msPerStep, steps: t.steps });
          break; // the wasm EP is only a fallback for a failed WebGPU EP
        } catch (e) {
          results.push({ engine, msPerStep: null, steps: 0, error: message(e) });
        }
      }
    }
  }

  if (job.engines.includes('cpu')) {
    log(`${tag}: CPU reference, ${job.cpuSteps} timed step(s)`);
    try {
      results.push({ engine: 'cpu', msPerStep: timeCpuReference(bundle, input, job.cpuSteps), steps: job.cpuSteps });
    } catch (e) {
      results.push({ engine: 'cpu', msPerStep: null, steps: 0, error: message(e) });
    }
  }
  return { model: job.model, config: bundle.config, batch: job.batch, results };
}
