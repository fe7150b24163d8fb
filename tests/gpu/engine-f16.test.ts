// f16 weight storage (WebGpuEngineOptions.weightStorage 'f16'): the matmul weights live on the GPU as
// packed halves and are unpacked to f32 in the matmul loads. Parity: the engine must equal the CPU
// reference run on the same bundle with those weights rounded to f16 (the only change), at f32 tolerance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../src/core/bundle';
import { solveReference } from '../../src/core/reference';
import { f16BitsToFloat, floatToF16Bits } from '../../src/core/weights/float16';
import { WebGpuEngine } from '../../src/gpu';
import type { MatmulPreference } from '../../src/gpu/kernel-choice';
import { isMatmulWeight } from '../../src/gpu/weights';
import { loadFixture } from './fixture-helpers';
import { gpuDevice, maxAbsDiff, shaders } from './helpers';

function roundMatmulWeightsToF16(b: ModelBundle): ModelBundle {
  const tensors = { ...b.tensors };
  for (const [name, t] of Object.entries(tensors))
    if (isMatmulWeight(name)) tensors[name] = { ...t, data: t.data.map((v) => f16BitsToFloat(floatToF16Bits(v))) };
  return { ...b, tensors };
}

let device: GPUDevice;
beforeAll(async () => {
  device = (await gpuDevice()).device;
});
afterAll(() => device?.destroy());

// Steps 1–2 only: the MLP-mixer fixtures are chaotic later (see engine-fixtures.test.ts).
const CASES: Array<[string, MatmulPreference, number]> = [
  ['tiny4-att-h32', 'vec4', 2], ['tiny4-mlp-h32', 'vec4', 2], ['tiny4-mlp-h32', 'general', 2], ['sudoku-mlp-h64', 'vec4', 1],
];

describe('WebGPU engine with f16 weight storage', () => {
  for (const [name, variant, steps] of CASES)
    it(`${name} (${variant} matmuls) equals the CPU reference on f16-rounded weights`, { timeout: 300_000 }, async () => {
      const fx = await loadFixture(name);
      const rounded = roundMatmulWeightsToF16(fx.bundle);
      expect(Object.keys(fx.bundle.tensors).filter(isMatmulWeight).length).toBeGreaterThanOrEqual(4);
      const want = solveReference(rounded, fx.input, { steps, recordLogits: true });
      const exact = solveReference(fx.bundle, fx.input, { steps: 1, recordLogits: true });
      const engine = await WebGpuEngine.create(device, fx.bundle, { batch: fx.input.puzzleIds.length, shaders, matmul: variant, weightStorage: 'f16' });
      try {
        const got = await engine.solve(fx.input, { steps, recordLogits: true });
        for (let k = 0; k < steps; k++) {
          expect(maxAbsDiff(got.steps[k].logits!, want.steps[k].logits!), `logits, step ${k + 1}`).toBeLessThan(1e-3);
          expect(maxAbsDiff(got.steps[k].qHalt, want.steps[k].qHalt), `q_halt, step ${k + 1}`).toBeLessThan(1e-3);
        }
        // The rounding is really applied: the engine sits far closer to the rounded reference than to the exact
        // one (measured at step 1: 1.5e-6–1.3e-5 against 4.6e-3–1.5e-2).
        const toRounded = maxAbsDiff(got.steps[0].logits!, want.steps[0].logits!);
        const toExact = maxAbsDiff(got.steps[0].logits!, exact.steps[0].logits!);
        expect(toExact).toBeGreaterThan(10 * toRounded);
      } finally {
        engine.dispose();
      }
    });
});
