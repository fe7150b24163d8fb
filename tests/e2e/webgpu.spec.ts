import { test, expect, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadFixture, openApp, repoRoot, watchConsole } from './helpers';

const EASY = '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79';
const hasGpuEngine = existsSync(path.join(repoRoot, 'src/gpu/index.ts'));

async function solveAndRead(page: Page) {
  await page.getByRole('button', { name: 'Solve', exact: true }).click();
  await expect(page.getByTestId('solve-progress')).toContainText('Done: 16 of 16 steps', { timeout: 180_000 });
  await page.getByRole('slider', { name: 'Supervision step' }).fill('16');
  return {
    engine: (await page.getByTestId('solve-progress').textContent()) ?? '',
    confidence: Number(await page.getByTestId('mean-confidence').textContent()),
  };
}

test('a solve through the worker on the WebGPU engine matches the CPU reference', async ({ page }, info) => {
  test.skip(!hasGpuEngine, 'the WebGPU engine (src/gpu/index.ts) is not in this checkout yet');
  const problems = watchConsole(page);
  await openApp(page);
  await loadFixture(page);
  await page.getByLabel('Paste 81 characters').fill(EASY);
  await page.getByRole('button', { name: 'Load text' }).click();

  const gpu = await solveAndRead(page);
  expect(gpu.engine).toContain('WebGPU');
  await expect(page.getByTestId('engine-notice')).toHaveCount(0);
  await page.screenshot({ path: info.outputPath('webgpu-solved.png'), fullPage: true });

  await page.getByRole('combobox', { name: 'Engine' }).selectOption('cpu');
  const cpu = await solveAndRead(page);
  expect(cpu.engine).toContain('CPU reference');
  expect(Math.abs(gpu.confidence - cpu.confidence)).toBeLessThan(2e-3);
  expect(problems).toEqual([]);
});
