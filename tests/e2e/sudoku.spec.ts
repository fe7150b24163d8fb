import { test, expect } from '@playwright/test';
import { canvasPixels, loadFixture, openApp, shot, useCpuEngine, watchConsole } from './helpers';

const EASY = '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79';

test('type and paste a Sudoku, see conflicts, undo and redo', async ({ page }, info) => {
  const problems = watchConsole(page);
  await openApp(page);
  const cell = (r: number, c: number) => page.getByRole('gridcell', { name: new RegExp(`^Row ${r}, column ${c}:`) });
  await cell(1, 1).click();
  await page.keyboard.press('5');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('5'); // same row: both cells conflict
  await expect(cell(1, 1)).toHaveAttribute('aria-invalid', 'true');
  await expect(cell(1, 2)).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('sudoku-conflict')).toBeVisible();
  await page.keyboard.press('Backspace');
  await expect(cell(1, 1)).not.toHaveAttribute('aria-invalid', 'true');
  await page.keyboard.press('Control+z');
  await expect(cell(1, 2)).toHaveAttribute('aria-label', /: 5, conflicts/);
  await page.keyboard.press('Control+Shift+z');
  await expect(cell(1, 2)).toHaveAttribute('aria-label', /: empty/);

  await page.getByLabel('Paste 81 characters').fill(EASY);
  await page.getByRole('button', { name: 'Load text' }).click();
  await expect(cell(1, 1)).toHaveAttribute('aria-label', /: 5$/);
  await expect(cell(9, 9)).toHaveAttribute('aria-label', /: 9$/);
  await expect(page.getByText('30 givens')).toBeVisible();

  await page.getByLabel('Paste 81 characters').fill('12x');
  await page.getByRole('button', { name: 'Load text' }).click();
  await expect(page.getByRole('alert')).toContainText('unexpected character "x"');
  await expect(cell(1, 1)).toHaveAttribute('aria-label', /: 5$/); // nothing lost
  await shot(page, info, 'sudoku-editor');
  expect(problems).toEqual([]);
});

test('solve with a tiny fixture model, scrub the timeline and see the heatmap change', async ({ page }, info) => {
  const problems = watchConsole(page);
  await openApp(page);
  await expect(page.getByTestId('no-default-model').or(page.getByTestId('model-card'))).toBeVisible();
  await loadFixture(page);
  await useCpuEngine(page);
  await page.getByLabel('Paste 81 characters').fill(EASY);
  await page.getByRole('button', { name: 'Load text' }).click();
  await page.getByRole('button', { name: 'Solve', exact: true }).click();
  await expect(page.getByTestId('solve-progress')).toContainText('Done: 16 of 16 steps', { timeout: 90_000 });

  const slider = page.getByRole('slider', { name: 'Supervision step' });
  await slider.fill('1');
  await expect(page.getByTestId('timeline-step')).toHaveText('Step 1 of 16');
  const conf1 = await page.getByTestId('mean-confidence').textContent();
  const heat1 = await canvasPixels(page, 'confidence-heatmap');
  const answer1 = await canvasPixels(page, 'answer-grid');
  await slider.fill('16');
  await expect(page.getByTestId('timeline-step')).toHaveText('Step 16 of 16');
  const conf16 = await page.getByTestId('mean-confidence').textContent();
  const heat16 = await canvasPixels(page, 'confidence-heatmap');
  expect(heat16).not.toEqual(heat1);
  expect(conf16).not.toEqual(conf1);
  expect(await canvasPixels(page, 'answer-grid')).not.toEqual(answer1);

  // Step buttons, the halting curve and the finer view inside a step.
  await page.getByRole('button', { name: 'Previous step' }).click();
  await expect(page.getByTestId('timeline-step')).toHaveText('Step 15 of 16');
  await expect(page.getByRole('img', { name: /Halting probability per step/ })).toBeVisible();
  const calls = page.getByRole('radiogroup', { name: 'Recursion call' }).getByRole('radio');
  await expect(calls).toHaveCount(2 * (3 + 1) + 1); // T·(n+1) calls of the fixture, plus "step result"
  await calls.first().click();
  await expect(page.getByTestId('step-summary')).toContainText('cycle 1 call 1 (z)');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByTestId('timeline-step')).toHaveText('Step 16 of 16', { timeout: 20_000 });
  await shot(page, info, 'sudoku-solved');
  expect(problems).toEqual([]);
});

test('a contradictory Sudoku is flagged before solving; the attempt still runs if the user insists', async ({ page }) => {
  const problems = watchConsole(page);
  await openApp(page);
  await loadFixture(page);
  await useCpuEngine(page);
  await page.getByLabel('Paste 81 characters').fill('55' + '.'.repeat(79));
  await page.getByRole('button', { name: 'Load text' }).click();
  await page.getByRole('button', { name: 'Solve', exact: true }).click();
  await expect(page.getByTestId('solve-message')).toContainText('contradicts itself');
  await expect(page.getByTestId('solve-progress')).toHaveCount(0);
  await page.getByRole('button', { name: 'Solve anyway' }).click();
  await expect(page.getByTestId('solve-progress')).toContainText(/Step \d+ of 16|Done/);
  await page.getByRole('button', { name: 'Cancel' }).click().catch(() => undefined);
  await expect(page.getByTestId('solve-progress')).toContainText(/Cancelled after step|Done/, { timeout: 60_000 });
  expect(problems).toEqual([]);
});
