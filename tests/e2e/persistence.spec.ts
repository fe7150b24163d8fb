import { test, expect } from '@playwright/test';
import { openApp, watchConsole } from './helpers';

test('puzzles and settings survive a reload; a shared link opens the puzzle', async ({ page }) => {
  const problems = watchConsole(page);
  await openApp(page);
  const first = page.getByRole('gridcell', { name: /^Row 1, column 1:/ });
  await first.click();
  await page.keyboard.press('7');
  await page.getByRole('tab', { name: 'Maze' }).click();
  await page.getByRole('button', { name: 'Random hard maze' }).click();
  await page.getByRole('button', { name: 'Text…' }).click();
  const maze = await page.getByLabel(/^Text form/).inputValue();

  await page.reload();
  await expect(page.getByRole('tab', { name: 'Maze' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('button', { name: 'Text…' }).click();
  await expect(page.getByLabel(/^Text form/)).toHaveValue(maze);
  await page.getByRole('tab', { name: 'Sudoku' }).click();
  await expect(first).toHaveAttribute('aria-label', /: 7$/);

  // Share: the link carries the puzzle; opening it in a fresh page loads it.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Share puzzle link' }).click();
  await expect(page.getByTestId('share-status')).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/#sudoku=7\.{80}$/);
  await page.evaluate(() => localStorage.clear());
  await page.goto(link.replace(/^https?:\/\/[^/]+/, ''));
  await expect(page.getByRole('gridcell', { name: /^Row 1, column 1:/ })).toHaveAttribute('aria-label', /: 7$/);
  expect(problems).toEqual([]);
});
