import { test, expect, type Page } from '@playwright/test';
import { loadFixture, openApp, useCpuEngine, watchConsole } from './helpers';

/** Presses Tab until the focused element matches, failing after `max` presses. */
async function tabTo(page: Page, describe: string, matches: () => boolean, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(matches)) return;
  }
  throw new Error(`Tab never reached ${describe}`);
}

test('keyboard only: enter a Sudoku, solve, scrub the timeline, with visible focus', async ({ page }) => {
  const problems = watchConsole(page);
  await openApp(page);
  await loadFixture(page); // a file chooser is outside the page; everything after this is keyboard only
  await useCpuEngine(page);
  await page.locator('body').focus();

  await tabTo(page, 'the Sudoku grid', () => document.activeElement?.getAttribute('role') === 'gridcell');
  const cellShadow = await page.evaluate(() => getComputedStyle(document.activeElement!).boxShadow);
  expect(cellShadow).not.toBe('none'); // the focus ring
  for (const key of ['1', 'ArrowRight', '2', 'ArrowRight', '3', 'ArrowDown', '4', 'ArrowDown', '5']) await page.keyboard.press(key);
  await expect(page.getByRole('gridcell', { name: /^Row 1, column 3: 3$/ })).toBeVisible();
  await expect(page.getByRole('gridcell', { name: /^Row 3, column 3: 5$/ })).toBeVisible();
  await expect(page.getByRole('gridcell', { name: /^Row 3, column 3/ })).toBeFocused();

  await tabTo(page, 'the Solve button', () => document.activeElement?.textContent === 'Solve');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('solve-progress')).toContainText('Done: 16 of 16 steps', { timeout: 90_000 });

  await tabTo(page, 'the timeline slider', () => document.activeElement?.getAttribute('aria-label') === 'Supervision step');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('timeline-step')).toHaveText('Step 1 of 16');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('timeline-step')).toHaveText('Step 2 of 16');

  // Tabs switch with the arrow keys; the Sudoku stays as it was.
  await page.getByRole('tab', { name: 'Sudoku' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Maze' })).toBeFocused();
  await expect(page.getByRole('tab', { name: 'Maze' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('gridcell', { name: /^Row 1, column 3: 3$/ })).toBeVisible();
  expect(problems).toEqual([]);
});
