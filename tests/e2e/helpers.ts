// Shared e2e helpers: console-error collection, fixture paths, loading a model through the file input.
import { expect, type Page, type TestInfo } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtureModel = (name: string) => path.join(repoRoot, 'tests/fixtures', name, 'model.safetensors');

/** Console errors and warnings (and uncaught exceptions) seen by the page; a test asserts it stays empty. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

export async function openApp(page: Page, hash = '') {
  await page.goto(`/${hash}`);
  await expect(page.getByRole('tab', { name: 'Sudoku' })).toBeVisible();
}

export async function loadModelFile(page: Page, file: string) {
  await page.getByTestId('model-file').setInputFiles(file);
}

export async function loadFixture(page: Page, name = 'sudoku-mlp-h64') {
  await loadModelFile(page, fixtureModel(name));
  await expect(page.getByTestId('model-card')).toContainText(name, { timeout: 60_000 });
}

export async function shot(page: Page, info: TestInfo, name: string) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

/** A data URL of a canvas, to tell whether a picture changed. */
export function canvasPixels(page: Page, testId: string) {
  return page.getByTestId(testId).evaluate((c) => (c as HTMLCanvasElement).toDataURL());
}

/** The CPU reference is much faster than WebGPU emulated by SwiftShader; tests that only need a trace use it. */
export async function useCpuEngine(page: Page) {
  await page.getByRole('combobox', { name: 'Engine' }).selectOption('cpu');
}

/**
 * Solves the puzzle on screen, cancels once `steps` steps have arrived, and reads the progress line and the mean
 * confidence (its exact data-value) of steps 1..steps. Used to compare engines and interrupted solves.
 */
export async function solveFirstSteps(page: Page, steps: number, timeout = 240_000) {
  await page.getByRole('button', { name: 'Solve', exact: true }).click();
  const progress = page.getByTestId('solve-progress');
  await expect(progress).toContainText(new RegExp(`Step ([${steps}-9]|1\\d) of 16|Done`), { timeout });
  const engine = (await progress.textContent()) ?? '';
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(progress).toContainText(/Cancelled after step|Done/, { timeout: 60_000 });
  const confidence: string[] = [];
  for (let k = 1; k <= steps; k++) {
    await page.getByRole('slider', { name: 'Supervision step' }).fill(String(k));
    await expect(page.getByTestId('timeline-step')).toHaveText(`Step ${k} of 16`);
    confidence.push((await page.getByTestId('mean-confidence').getAttribute('data-value')) ?? '');
  }
  return { engine, confidence };
}
