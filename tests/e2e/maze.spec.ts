import { test, expect, type Page } from '@playwright/test';
import { loadFixture, openApp, shot, useCpuEngine, watchConsole } from './helpers';

/** Centre of maze cell (r, c) in page coordinates. */
async function cellPoint(page: Page, r: number, c: number) {
  const box = (await page.getByTestId('maze-editor').boundingBox())!;
  return { x: box.x + ((c + 0.5) * box.width) / 30, y: box.y + ((r + 0.5) * box.height) / 30 };
}

async function mazeText(page: Page) {
  const button = page.getByRole('button', { name: 'Text…' });
  if ((await button.getAttribute('aria-expanded')) === 'true') await button.click(); // reopening shows the current maze
  await button.click();
  const text = await page.getByLabel(/^Text form/).inputValue();
  await button.click();
  return text.split('\n');
}

test('draw a maze: drag walls, place S and G, export and import the text form', async ({ page }, info) => {
  const problems = watchConsole(page);
  await openApp(page);
  await page.getByRole('tab', { name: 'Maze' }).click();
  await expect(page.getByTestId('maze-problems')).toContainText('no start S');

  // Drag a wall along row 5 from column 3 to column 12.
  const a = await cellPoint(page, 5, 3);
  const b = await cellPoint(page, 5, 12);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 20 });
  await page.mouse.up();
  let lines = await mazeText(page);
  expect(lines[5].slice(3, 13)).toBe('##########');

  // A stroke that starts on a wall erases.
  const e1 = await cellPoint(page, 5, 5);
  const e2 = await cellPoint(page, 5, 7);
  await page.mouse.move(e1.x, e1.y);
  await page.mouse.down();
  await page.mouse.move(e2.x, e2.y, { steps: 6 });
  await page.mouse.up();
  lines = await mazeText(page);
  expect(lines[5].slice(3, 13)).toBe('##   #####');

  await page.getByRole('radio', { name: 'Start S' }).click();
  const s = await cellPoint(page, 2, 2);
  await page.mouse.click(s.x, s.y);
  await page.getByRole('radio', { name: 'Goal G' }).click();
  const g = await cellPoint(page, 27, 27);
  await page.mouse.click(g.x, g.y);
  await expect(page.getByTestId('maze-problems')).toHaveCount(0);
  lines = await mazeText(page);
  expect(lines[2][2]).toBe('S');
  expect(lines[27][27]).toBe('G');

  // Undo removes the goal again, redo restores it.
  await page.getByRole('button', { name: /^Undo/ }).click();
  await expect(page.getByTestId('maze-problems')).toContainText('no goal G');
  await page.getByRole('button', { name: /^Redo/ }).click();
  await expect(page.getByTestId('maze-problems')).toHaveCount(0);

  // A malformed text is refused with a clear message and nothing is lost.
  await page.getByRole('button', { name: 'Text…' }).click();
  await page.getByLabel(/^Text form/).fill('#####\n# S G#');
  await page.getByRole('button', { name: 'Import text' }).click();
  await expect(page.getByRole('alert')).toContainText('needs 30 lines');
  lines = await mazeText(page);
  expect(lines[2][2]).toBe('S');

  // Paste the text form straight onto the grid (Ctrl+V): the exported maze comes back.
  const exported = lines.join('\n');
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByTestId('maze-editor').focus();
  await page.getByTestId('maze-editor').evaluate((el, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  }, exported);
  expect((await mazeText(page)).join('\n')).toBe(exported);

  await page.getByRole('button', { name: 'Random hard maze' }).click();
  lines = await mazeText(page);
  expect(lines.join('').split('S').length - 1).toBe(1);
  expect(lines.join('').split('G').length - 1).toBe(1);
  await shot(page, info, 'maze-editor');
  expect(problems).toEqual([]);
});

test('a maze model with a 6×6 canvas reads the outlined top-left: random maze, solve, and cells outside refused', async ({ page }, info) => {
  const problems = watchConsole(page);
  await openApp(page);
  await page.getByRole('tab', { name: 'Maze' }).click();
  await expect(page.getByTestId('no-default-model').or(page.getByTestId('model-card'))).toBeVisible({ timeout: 60_000 });
  await loadFixture(page, 'maze6-mlp-h16');
  await expect(page.getByTestId('maze-canvas-note')).toContainText('up to 6×6');
  await useCpuEngine(page);

  await page.getByRole('button', { name: 'Random hard maze' }).click();
  const lines = await mazeText(page);
  expect(lines.slice(6).every((l) => l === '#'.repeat(30))).toBe(true);
  expect(lines.every((l) => l.slice(6) === '#'.repeat(24))).toBe(true);
  expect(lines.join('').split('S').length - 1).toBe(1);
  await page.getByRole('button', { name: 'Solve', exact: true }).click();
  await expect(page.getByTestId('solve-progress')).toContainText('Done: 16 of 16 steps', { timeout: 90_000 });
  await expect(page.getByRole('img', { name: /6 by 6/ }).or(page.getByTestId('answer-grid'))).toBeVisible();
  await shot(page, info, 'maze-small-canvas');

  // An open cell outside the model's square: the solve is refused with the remedy; the maze is kept.
  await page.getByRole('radio', { name: 'Erase' }).click();
  const p = await cellPoint(page, 20, 20);
  await page.mouse.click(p.x, p.y);
  await expect(page.getByText(/has an open cell at row 21, column 21, outside its top-left 6×6/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Solve', exact: true })).toBeDisabled();
  expect((await mazeText(page)).slice(0, 6)).toEqual(lines.slice(0, 6));
  expect(problems).toEqual([]);
});
