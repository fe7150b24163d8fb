import { test, expect, type Page } from '@playwright/test';
import { loadFixture, openApp, solveFirstSteps, watchConsole } from './helpers';

const EASY = '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79';
const STEPS = 3;

async function firstSteps(page: Page) {
  const r = await solveFirstSteps(page, STEPS);
  return { engine: r.engine, confidence: r.confidence.map(Number) };
}

test('a solve through the worker on the WebGPU engine matches the CPU reference over the first steps', async ({ page }, info) => {
  test.setTimeout(360_000); // SwiftShader emulates the GPU on the CPU: seconds per supervision step here
  const problems = watchConsole(page);
  await openApp(page);
  await loadFixture(page);
  await page.getByRole('checkbox', { name: /Record every recursion call/ }).uncheck(); // fewer read-backs
  await page.getByLabel('Paste 81 characters').fill(EASY);
  await page.getByRole('button', { name: 'Load text' }).click();

  await page.getByRole('combobox', { name: 'Engine' }).selectOption('webgpu'); // 'Fastest here' would time both on SwiftShader
  const gpu = await firstSteps(page);
  expect(gpu.engine).toContain('WebGPU');
  // Tries on auto: 8 views of the puzzle side by side on WebGPU, merged into one answer per step
  expect(gpu.engine).toContain('8 tries');
  await expect(page.getByTestId('views-summary')).toContainText(/of 8 tries obey the rules|no try obeys the rules yet/);
  await expect(page.getByTestId('engine-notice')).toHaveCount(0);
  await page.screenshot({ path: info.outputPath('webgpu-solved.png'), fullPage: true });

  await page.getByRole('combobox', { name: 'Engine' }).selectOption('cpu');
  const cpu = await firstSteps(page);
  expect(cpu.engine).toContain('CPU reference');
  expect(cpu.engine).not.toContain('tries'); // auto = the puzzle as given only, on the CPU reference
  await expect(page.getByTestId('views-summary')).toHaveCount(0);
  // With no try obeying the rules the merged step is view 0, the puzzle as given, so both engines show the same.
  // The untrained fixture is chaotic (its f32-vs-f64 logit drift reaches 5 by step 7, 7e-4 at step 3),
  // so two f32 engines are compared only over the first steps, where they must agree closely.
  for (let k = 0; k < STEPS; k++) expect(Math.abs(gpu.confidence[k] - cpu.confidence[k])).toBeLessThan(1e-4);
  expect(problems).toEqual([]);
});
