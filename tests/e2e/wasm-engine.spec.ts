// Deliverable: the whole wasm CPU engine against the golden fixtures in a cross-origin isolated Chromium page, on
// helper threads (Web Workers sharing the memory), as tests/unit/wasm-engine.test.ts does in Node.
import { expect, test } from '@playwright/test';

test('the wasm CPU engine matches the golden fixtures in Chromium, on threads', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/tests/e2e/wasm-engine.html');
  await page.waitForFunction(() => window.__wasmResults !== undefined, undefined, { timeout: 110_000, polling: 500 });
  const results = await page.evaluate(() => window.__wasmResults!);
  if ('error' in results) throw new Error(`the wasm engine page failed: ${results.error}`);
  expect(results.isolated).toBe(true);
  for (const t of results.threads) expect(t).toBeGreaterThan(1);
  expect(results.cases.map((c) => c.name)).toEqual(['tiny4-att-h32', 'tiny4-mlp-h32', 'sudoku-att-h64', 'maze6-mlp-h16']);
  for (const c of results.cases) {
    expect(c.checks.length, c.name).toBeGreaterThan(0);
    for (const s of c.checks) {
      expect(s.logitErr, `${c.name} step ${s.step} logits`).toBeLessThanOrEqual(s.tol);
      expect(s.qErr, `${c.name} step ${s.step} q`).toBeLessThanOrEqual(s.tol);
    }
  }
  expect(errors).toEqual([]);
});
