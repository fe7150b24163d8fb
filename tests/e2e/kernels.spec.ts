// Deliverable: every kernel against the CPU reference in headless Chromium too (WebGPU on SwiftShader here),
// with the cases of tests/gpu/kernel-cases.ts that Node + Dawn runs in full.
import { expect, test } from '@playwright/test';
import { KERNEL_CASES } from '../gpu/kernel-cases';

test('every WGSL kernel matches the CPU reference in Chromium', async ({ page }) => {
  test.setTimeout(600_000); // SwiftShader compiles and runs each pipeline on the CPU
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/tests/e2e/kernels.html');
  await page.waitForFunction(() => window.__kernelResults !== undefined, undefined, { timeout: 580_000, polling: 1000 });
  const results = await page.evaluate(() => window.__kernelResults!);
  if ('error' in results) throw new Error(`the kernel page failed: ${results.error}`);
  expect(results.adapter).not.toBe('');
  expect(results.cases.map((c) => c.name)).toEqual(KERNEL_CASES.filter((c) => c.browser).map((c) => c.name));
  for (const c of results.cases) {
    expect(c.error, c.name).toBeUndefined();
    expect(c.checks.length, c.name).toBeGreaterThan(0);
    for (const check of c.checks) expect(check.err, `${c.name}: ${check.what}`).toBeLessThanOrEqual(check.tol);
  }
  expect(errors).toEqual([]);
});
