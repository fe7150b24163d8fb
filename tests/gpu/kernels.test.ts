// Every kernel against the CPU reference in Node + Dawn (cases in kernel-cases.ts, shared with the browser).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuDevice, shaders } from './helpers';
import { KERNEL_CASES } from './kernel-cases';

let device: GPUDevice;
beforeAll(async () => {
  device = (await gpuDevice()).device;
});
afterAll(() => device?.destroy());

describe('WGSL kernels against the CPU reference ops', () => {
  for (const c of KERNEL_CASES)
    it(c.name, async () => {
      for (const check of await c.run(device, shaders)) expect(check.err, check.what).toBeLessThanOrEqual(check.tol);
    });
});
