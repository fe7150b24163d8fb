// The CPU engine in WebAssembly (src/wasm) through the page: the dev server makes the page cross-origin isolated,
// so the engine runs on helper threads; a 30×30 maze on the shipped model solves in seconds and gives the CPU
// reference's answer step for step.
import { expect, test } from '@playwright/test';
import { openApp, solveFirstSteps, watchConsole, shot } from './helpers';

test('a 30×30 maze solves on the CPU engine (WebAssembly, threads) as on the CPU reference', async ({ page }, info) => {
  test.setTimeout(300_000);
  const problems = watchConsole(page);
  await openApp(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.getByRole('tab', { name: 'Maze' }).click();
  await expect(page.getByTestId('model-card')).toContainText('maze', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Random hard maze' }).click();
  await page.getByRole('checkbox', { name: /Record every recursion call/ }).uncheck();

  const engine = page.getByRole('combobox', { name: 'Engine' });
  await engine.selectOption('wasm');
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Solve', exact: true }).click();
  const progress = page.getByTestId('solve-progress');
  await expect(progress).toContainText('Done: 16 of 16 steps', { timeout: 120_000 });
  const seconds = (Date.now() - t0) / 1000;
  await expect(progress).toContainText('CPU (WebAssembly)');
  // Threads were had: no "runs on 1 thread" notice.
  await expect(page.getByTestId('engine-notice')).not.toContainText('1 thread');
  await shot(page, info, 'maze-wasm');
  info.annotations.push({ type: 'wasm 30×30 maze solve', description: `${seconds.toFixed(1)} s for 16 steps` });

  const wasm = await solveFirstSteps(page, 3);
  await engine.selectOption('cpu');
  const cpu = await solveFirstSteps(page, 3);
  expect(wasm.engine).toContain('CPU (WebAssembly)');
  expect(cpu.engine).toContain('CPU reference');
  wasm.confidence.forEach((c, k) => expect(Math.abs(Number(c) - Number(cpu.confidence[k])), `step ${k + 1}`).toBeLessThan(1e-4));
  expect(problems).toEqual([]);
});
