// Device-agnostic GPU test helpers (Node + Dawn and the browser): buffer upload / read-back, seeded data,
// error measures, one-submission dispatch runs.
import { activationBytes } from '../../src/gpu/plan';
import { createStorage } from '../../src/gpu/weights';

export function upload(device: GPUDevice, data: Float32Array | Uint32Array | Int32Array, label = 'test input'): GPUBuffer {
  return createStorage(device, label, data);
}

export function zeros(device: GPUDevice, floats: number, label = 'test output'): GPUBuffer {
  return device.createBuffer({ label, size: activationBytes(floats), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
}

export async function readF32(device: GPUDevice, buf: GPUBuffer, floats: number): Promise<Float32Array> {
  const staging = device.createBuffer({ size: activationBytes(floats), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(buf, 0, staging, 0, staging.size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0, floats * 4));
  staging.unmap();
  staging.destroy();
  return out;
}

export async function readU32(device: GPUDevice, buf: GPUBuffer, n: number): Promise<Uint32Array> {
  const f = await readF32(device, buf, n);
  return new Uint32Array(f.buffer);
}

/** Deterministic pseudo-random values in [-1, 1) (xorshift), so failures reproduce. */
export function randomArray(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Runs a list of dispatches in one submission and waits for the queue. */
export async function runDispatches(device: GPUDevice, dispatches: Array<{ pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; workgroups: [number, number, number] }>): Promise<void> {
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(...d.workgroups);
  }
  pass.end();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
}

/** Matmul variants the GPU tests run once each (the kernel-choice flag). */
export const VARIANTS = ['general', 'vec4', 'vec4-largest'] as const;
