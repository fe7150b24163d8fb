import { test, expect, type Page } from '@playwright/test';
import { loadFixture, openApp, solveFirstSteps, watchConsole } from './helpers';

const EASY = '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79';
const STEPS = 6;

/** The mean confidence of steps 1..STEPS of a solve on the engine chosen on screen. */
const solveAndRead = async (page: Page) => (await solveFirstSteps(page, STEPS, 300_000)).confidence;

test('a GPU device lost mid-solve: a new device takes over from the last carry, same answer as without the loss', async ({ page }, info) => {
  test.setTimeout(600_000); // SwiftShader emulates the GPU on the CPU: seconds per supervision step here
  const problems = watchConsole(page);
  await openApp(page);
  await loadFixture(page);
  await page.getByRole('checkbox', { name: /Record every recursion call/ }).uncheck();
  await page.getByRole('combobox', { name: /^Tries/ }).selectOption('1');
  await page.getByRole('combobox', { name: 'Engine' }).selectOption('webgpu');
  await page.getByLabel('Paste 81 characters').fill(EASY);
  await page.getByRole('button', { name: 'Load text' }).click();

  const clean = await solveAndRead(page);
  await page.evaluate(() => (globalThis as unknown as { trmTest: { loseGpuDeviceAfterStep(n: number): void } }).trmTest.loseGpuDeviceAfterStep(2));
  const resumed = await solveAndRead(page);
  await expect(page.getByTestId('engine-notice')).toContainText(/GPU device was lost after step 2; the solve resumed from step 2's state on a new GPU device/);
  await expect(page.getByTestId('solve-progress')).toContainText('WebGPU');
  await page.screenshot({ path: info.outputPath('device-lost-resumed.png'), fullPage: true });
  expect(resumed).toEqual(clean);
  expect(clean.every((c) => c !== '')).toBe(true);
  // A solve after the recovery runs on the new device without a notice.
  const again = await solveAndRead(page);
  expect(again).toEqual(clean);
  await expect(page.getByTestId('engine-notice')).toHaveCount(0);
  expect(problems.filter((p) => !/device.*(lost|destroyed)|destroyed.*device/i.test(p))).toEqual([]);
});
