import { test, expect, type Page } from '@playwright/test';
import { openApp, shot, watchConsole } from './helpers';

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
