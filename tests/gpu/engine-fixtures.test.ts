// The whole WebGPU engine against the golden fixtures (training/make_fixtures.py: the PyTorch twin in
// float32 plus a float64 run that measures how far rounding alone moves each step), once per matmul
// variant.
//
// Tolerance per step k: max(1e-3, 4 · float64 drift of step k) for logits and q. The attention fixtures
// drift ~1e-5, so every step is held to 1e-3 (measured: ≤ 2e-4). The MLP-mixer fixtures are chaotic at
// this random init (rounding grows ~7× per step), so fresh-carry steps are compared while the float64
// drift is ≤ 1e-2 (steps 1–4) and the late steps by resuming from the stored carries (after 3 and 15).
// Preds must equal the fixture except near-ties. The inner trace (y/z norms and preds after every call)
// is checked on the first step against the fixture, allowing pred flips only where the CPU reference's
// own logits after that call are a near-tie.
//
// Cost on lavapipe: the 81-cell fixtures take seconds per step, so by default they run steps 1–2 and the
// resume after step 15; TRM_GPU_FULL=1 runs every comparable fresh step for every fixture and variant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solveReference, type ReferenceInnerTrace } from '../../src/core/reference';
import { WebGpuEngine } from '../../src/gpu';
import type { MatmulPreference } from '../../src/gpu/kernel-choice';
import { expectStep, innerPredMismatches, readCarry } from '../unit/reference-helpers';
import { loadFixture, type LoadedFixture } from './fixture-helpers';
import { gpuDevice, shaders } from './helpers';

const FULL = process.env.TRM_GPU_FULL === '1';
const CHAOS_LIMIT = 1e-2;

interface Case {
  name: string;
  variants: MatmulPreference[];
  freshSteps: number; // capped at the chaos limit
  resumes: number[];
}

const CASES: Case[] = [
  { name: 'tiny4-att-h32', variants: ['vec4', 'vec4-largest', 'general'], freshSteps: 16, resumes: [15] },
  { name: 'tiny4-mlp-h32', variants: ['vec4', 'vec4-largest', 'general'], freshSteps: 16, resumes: [3, 15] },
  { name: 'sudoku-att-h64', variants: FULL ? ['vec4', 'general'] : ['vec4'], freshSteps: FULL ? 16 : 2, resumes: [15] },
  { name: 'sudoku-mlp-h64', variants: FULL ? ['vec4', 'general'] : ['general'], freshSteps: FULL ? 16 : 1, resumes: FULL ? [3, 15] : [15] },
  // A maze model on a 6×6 canvas (36 cells + 16 prefix), hidden 16.
  { name: 'maze6-mlp-h16', variants: ['vec4', 'general'], freshSteps: 16, resumes: [3, 15] },
];

let device: GPUDevice;
beforeAll(async () => {
  device = (await gpuDevice()).device;
});
afterAll(() => device?.destroy());

for (const c of CASES)
  for (const variant of c.variants)
    describe(`WebGPU engine (${variant} matmuls) vs golden fixture ${c.name}`, () => {
      let fx: LoadedFixture;
      let engine: WebGpuEngine;
      const tol = (k: number) => Math.max(1e-3, 4 * fx.trace.float64_max_abs_logit_diff[k - 1]);
      const qTol = (k: number) => Math.max(1e-3, 4 * fx.trace.float64_max_abs_q_diff[k - 1]);
      beforeAll(async () => {
        fx = await loadFixture(c.name);
        engine = await WebGpuEngine.create(device, fx.bundle, { batch: fx.input.puzzleIds.length, shaders, matmul: variant });
      });
      afterAll(() => engine?.dispose());

      it('used the forced matmul variant where the shapes allow it', () => {
        const used = new Set(engine.matmulChoices.map((m) => m.choice.variant));
        if (variant === 'general') expect([...used]).toEqual(['general']);
        // Every gate_up (channel and, with its inner size padded to 16, token mixing) fits the vec4 variant.
        else for (const m of engine.matmulChoices.filter((x) => x.label.includes('gate_up'))) expect(m.choice.variant, m.label).toBe('vec4');
      });

      it('matches the comparable fresh-carry steps, and the inner trace of step 1', async () => {
        const drift = fx.trace.float64_max_abs_logit_diff;
        let steps = 0;
        while (steps < c.freshSteps && drift[steps] <= CHAOS_LIMIT) steps++;
        const result = await engine.solve(fx.input, { steps, recordLogits: true, recordInner: true });
        expect(result.steps.length).toBe(steps);
        result.steps.forEach((s, i) => expectStep(s, fx.trace.steps[i], fx.bundle.config, tol(i + 1), qTol(i + 1), `step ${i + 1}`));

        const cpu = solveReference(fx.bundle, fx.input, { steps: 1, recordInner: true, recordInnerLogits: true });
        const ours = result.steps[0].inner!;
        const theirs = fx.trace.steps[0].inner!;
        expect(ours.length).toBe(theirs.length);
        ours.forEach((mine, j) => {
          const ref = theirs[j];
          const at = `step 1 inner call ${j}`;
          expect([mine.cycle, mine.call, mine.target], at).toEqual([ref.cycle, ref.call, ref.target]);
          for (let b = 0; b < ref.y_norm.length; b++) {
            expect(Math.abs(mine.yNorm[b] - ref.y_norm[b]), `${at} y_norm`).toBeLessThanOrEqual(tol(1));
            expect(Math.abs(mine.zNorm[b] - ref.z_norm[b]), `${at} z_norm`).toBeLessThanOrEqual(tol(1));
          }
          const cpuLogits = (cpu.steps[0].inner![j] as ReferenceInnerTrace).logits!;
          expect(innerPredMismatches(mine.preds, cpuLogits, ref.preds, fx.bundle.config.seq_len, fx.bundle.config.vocab_size, tol(1)), `${at} preds`).toEqual([]);
        });
      });

      for (const after of c.resumes)
        it(`matches the step after carry snapshot ${after} (resume from initialCarry) at 1e-3`, async () => {
          const initialCarry = readCarry(fx.dir, fx.trace.carry_snapshots, after);
          const result = await engine.solve(fx.input, { initialCarry, steps: after + 1, recordLogits: true });
          expect(result.steps.length).toBe(1);
          expectStep(result.steps[0], fx.trace.steps[after], fx.bundle.config, 1e-3, 1e-3, `step ${after + 1} after resume`);
          expect(engine.lastCarry?.afterStep).toBe(after + 1);
        });
    });
