import { test, expect } from '@playwright/test';
import { builtPort } from '../../playwright.config';
import { useCpuEngine, watchConsole } from './helpers';

const BUILT = `http://127.0.0.1:${builtPort}/`;
const EASY = '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79';

test('the built app sends a Content-Security-Policy that allows scripts only from itself', async ({ page }) => {
  const res = await page.goto(BUILT);
  const header = res?.headers()['content-security-policy'] ?? '';
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  for (const policy of [header, meta ?? '']) {
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    expect(policy).toMatch(/connect-src 'self' https:(;|$)/);
    expect(policy).toMatch(/object-src 'none'/);
    expect(policy).not.toMatch(/unsafe-eval/);
  }
  // The policy is enforced: an inline script does not run.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.appendChild(s);
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  expect(ran).toBe(false);
});

test('after one visit the built app loads and solves offline', async ({ page, context }, info) => {
  test.setTimeout(240_000);
  const problems = watchConsole(page);
  await page.goto(BUILT);
  await expect(page.getByRole('tab', { name: 'Sudoku' })).toBeVisible();
  await expect(page.getByTestId('model-card')).toContainText(/sudoku/i, { timeout: 60_000 });
  // Installed and in control of the page: every file of the app is cached.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Sudoku' })).toBeVisible();
  await expect(page.getByTestId('model-card')).toContainText(/sudoku/i, { timeout: 60_000 });
  await useCpuEngine(page);
  await page.getByLabel('Paste 81 characters').fill(EASY);
  await page.getByRole('button', { name: 'Load text' }).click();
  await page.getByRole('button', { name: 'Solve', exact: true }).click();
  await expect(page.getByTestId('solve-progress')).toContainText('Done', { timeout: 120_000 });
  await page.screenshot({ path: info.outputPath('offline-solved.png'), fullPage: true });
  // The other tabs' gallery and models come from the cache too.
  await page.getByRole('tab', { name: 'ARC' }).click();
  await expect(page.getByTestId('model-card')).toContainText(/arc/i, { timeout: 60_000 });
  await context.setOffline(false);
  expect(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED/.test(p))).toEqual([]);
});
