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

test('bad stored state falls back field by field; a broken link is said, cleared and changes nothing', async ({ page }) => {
  const problems = watchConsole(page);
  // Stored state this version cannot use: a task that does not exist and a colour out of range.
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('trm-solver', JSON.stringify({ state: { settings: { task: 'evil', arcColour: 99, speed: 2 } }, version: 1 }));
    }
  });
  await openApp(page);
  await expect(page.getByRole('tab', { name: 'Sudoku' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'ARC' }).click();
  await expect(page.getByRole('tab', { name: 'ARC' })).toHaveAttribute('aria-selected', 'true');

  // A damaged link: said, the hash cleared, the puzzles unchanged.
  await page.getByRole('tab', { name: 'Sudoku' }).click();
  const first = page.getByRole('gridcell', { name: /^Row 1, column 1:/ });
  await first.click();
  await page.keyboard.press('4');
  await page.goto('/#arc=AAAA-not-a-task');
  await expect(page.getByTestId('app-notice-share')).toContainText('could not be read');
  expect(await page.evaluate(() => location.hash)).toBe('');
  await expect(first).toHaveAttribute('aria-label', /: 4$/);
  await page.getByTestId('app-notice-share').getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('app-notice-share')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('when the storage is full the ARC task is dropped from it, said once, and a later Sudoku edit survives a reload', async ({ page }) => {
  const problems = watchConsole(page);
  await page.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key: string, value: string) {
      if (key === 'trm-solver' && value.length > 6000) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return setItem.call(this, key, value);
    };
  });
  const grid = Array.from({ length: 30 }, (_, r) => Array.from({ length: 30 }, (_, c) => (r + c) % 10));
  const task = { name: 'big', source: 'drawn', train: [{ input: grid, output: grid }, { input: grid, output: grid }], test: [{ input: grid }] };
  const { deflateRawSync } = await import('node:zlib');
  const hash = deflateRawSync(Buffer.from(JSON.stringify(task))).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  await page.goto(`/#arc=${hash}`);
  await expect(page.getByRole('tab', { name: 'ARC' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('app-notice-storage')).toContainText('the ARC task is not kept across reloads');
  await page.getByRole('tab', { name: 'Sudoku' }).click();
  const first = page.getByRole('gridcell', { name: /^Row 1, column 1:/ });
  await first.click();
  await page.keyboard.press('6');
  await page.reload();
  await page.getByRole('tab', { name: 'Sudoku' }).click();
  await expect(first).toHaveAttribute('aria-label', /: 6$/);
  expect(problems).toEqual([]);
});
