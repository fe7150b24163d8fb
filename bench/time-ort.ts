// Times ONNX Runtime Web on the ONNX export of one supervision step (training/export_onnx.py): the
// carry is fed back step after step. With the WebGPU EP the carry stays on the GPU (z_H_out / z_L_out
// as gpu-buffer outputs), logits and q come back to the CPU every step — as our engine reads its trace.
// `ort` is passed in so Node (onnxruntime-web's Node build) and the page (its WebGPU bundle) share this.
import type * as Ort from 'onnxruntime-web';
import type { SolveInput } from '../src/core/trace';

export type OrtModule = typeof Ort;
export type OrtProvider = 'webgpu' | 'wasm';

export interface OrtTiming {
  msPerStep: number;
  steps: number;
  firstLogits: Float32Array; // step 1 [B·seq_len·vocab], for the agreement check
  /** wasm EP: the threads ORT initialised its wasm backend with (env.wasm.numThreads after init: 1 where it refused more). */
  threads?: number;
}

/** Carry as the graph wants it: [B, S, hidden] of H_init / L_init. */
function initialCarry(hInit: Float32Array, lInit: Float32Array, batch: number, seqTotal: number): [Float32Array, Float32Array] {
  const h = hInit.length;
  const zH = new Float32Array(batch * seqTotal * h);
  const zL = new Float32Array(batch * seqTotal * h);
  for (let o = 0; o < zH.length; o += h) {
    zH.set(hInit, o);
    zL.set(lInit, o);
  }
  return [zH, zL];
}

export interface OrtJob {
  onnx: Uint8Array;
  provider: OrtProvider;
  input: SolveInput;
  hInit: Float32Array;
  lInit: Float32Array;
  seqTotal: number;
  steps: number;
  warmup: number;
}

export async function timeOrt(ort: OrtModule, job: OrtJob): Promise<OrtTiming> {
  const onGpu = job.provider === 'webgpu';
  const session = await ort.InferenceSession.create(job.onnx, {
    executionProviders: [job.provider],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3, // errors only: node-placement warnings would drown the progress lines
    ...(onGpu ? { preferredOutputLocation: { z_H_out: 'gpu-buffer', z_L_out: 'gpu-buffer' } as const } : {}),
  });
  try {
    const B = job.input.puzzleIds.length;
    const seqLen = job.input.tokens.length / B;
    const hidden = job.hInit.length;
    const inputs = new ort.Tensor('int32', job.input.tokens, [B, seqLen]);
    const ids = new ort.Tensor('int32', job.input.puzzleIds, [B]);
    const [h0, l0] = initialCarry(job.hInit, job.lInit, B, job.seqTotal);
    let zH: Ort.Tensor = new ort.Tensor('float32', h0, [B, job.seqTotal, hidden]);
    let zL: Ort.Tensor = new ort.Tensor('float32', l0, [B, job.seqTotal, hidden]);
    let firstLogits: Float32Array | undefined;
    const step = async () => {
      const out = await session.run({ inputs, puzzle_identifiers: ids, z_H: zH, z_L: zL });
      firstLogits ??= Float32Array.from(out.logits.data as Float32Array);
      // Reading q_halt forces the step to finish (CPU outputs are downloaded before run() resolves).
      if (!Number.isFinite((out.q_halt.data as Float32Array)[0])) throw new Error('ONNX Runtime produced a non-finite q_halt');
      if (onGpu) {
        zH.dispose();
        zL.dispose();
      }
      zH = out.z_H_out;
      zL = out.z_L_out;
    };
    for (let s = 0; s < job.warmup; s++) await step();
    const t0 = performance.now();
    for (let s = 0; s < job.steps; s++) await step();
    const msPerStep = (performance.now() - t0) / job.steps;
    if (onGpu) {
      zH.dispose();
      zL.dispose();
    }
    const threads = onGpu ? undefined : ort.env.wasm.numThreads;
    return { msPerStep, steps: job.steps, firstLogits: firstLogits!, ...(threads !== undefined ? { threads } : {}) };
  } finally {
    await session.release();
  }
}
