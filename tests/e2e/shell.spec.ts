import { test, expect } from '@playwright/test';

test('the app shell starts and shows the three task tabs', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto('/');
  for (const name of ['Sudoku', 'Maze', 'ARC']) await expect(page.getByRole('tab', { name })).toBeVisible();
  await page.getByRole('tab', { name: 'Maze' }).click();
  await expect(page.getByRole('tab', { name: 'Maze' })).toHaveAttribute('aria-selected', 'true');
  expect(errors).toEqual([]);
});
