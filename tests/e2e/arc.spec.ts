import { test, expect } from '@playwright/test';
import { openApp, shot, useCpuEngine, watchConsole } from './helpers';

const TASK = {
  train: [
    { input: [[1, 0], [0, 0]], output: [[0, 1], [0, 0]] },
    { input: [[0, 0], [2, 0]], output: [[0, 0], [0, 2]] },
  ],
  test: [{ input: [[3, 0, 0], [0, 0, 0]] }],
};

test('import an ARC task, reject malformed JSON and oversized grids, open a gallery task', async ({ page }, info) => {
  const problems = watchConsole(page);
  await openApp(page);
  await page.getByRole('tab', { name: 'ARC' }).click();
  await expect(page.getByText(/only ARC tasks whose puzzle embedding/i)).toBeVisible();

  await page.getByRole('button', { name: 'Import JSON…' }).click();
  await page.getByTestId('arc-file').setInputFiles({ name: 'mirror-task.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(TASK)) });
  await expect(page.getByRole('textbox', { name: 'Task name' })).toHaveValue('mirror-task');
  await expect(page.getByRole('button', { name: /^Edit Pair 2 output \(2×2\)/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Edit Test 1 input \(2×3\)/ })).toBeVisible();

  // Malformed JSON: a clear message, the task stays.
  await page.getByRole('button', { name: 'Import JSON…' }).click();
  await page.getByLabel(/^Paste Kaggle ARC JSON/).fill('{"train": [ {"input": [[1,2],[3]] , "output": [[1]]}], "test": [{"input": [[1]]}]}');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('arc-error')).toContainText('row 2 has 1 cells');
  await expect(page.getByRole('textbox', { name: 'Task name' })).toHaveValue('mirror-task');

  // Oversized grid: refused, nothing lost.
  await page.getByRole('spinbutton', { name: 'Rows' }).fill('31');
  await page.getByRole('button', { name: 'Resize' }).click();
  await expect(page.getByTestId('arc-error')).toContainText('1 to 30');
  await expect(page.getByRole('button', { name: /^Edit Test 1 input \(2×3\)/ })).toBeVisible();

  // Paint with the pencil by keyboard: colour 4, Space.
  const canvas = page.getByTestId('arc-editor');
  await canvas.focus();
  await page.keyboard.press('4');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press(' ');
  await expect(page.getByRole('radio', { name: 'Colour 4: yellow' })).toHaveAttribute('aria-checked', 'true');
  await page.getByRole('button', { name: 'Export JSON' }).isVisible();

  // The gallery: open the first ARC-AGI-1 training task.
  await page.getByRole('button', { name: 'Gallery…' }).click();
  await page.getByLabel('Set').selectOption('training');
  const known = page.getByLabel('only tasks the model knows');
  if (await known.isVisible()) await known.uncheck();
  await page.getByRole('button', { name: 'Open task 007bbfb7' }).click();
  await expect(page.getByRole('textbox', { name: 'Task name' })).toHaveValue('007bbfb7');
  await expect(page.getByRole('button', { name: /^Edit Test 1 expected output \(9×9\)/ })).toBeVisible();
  await shot(page, info, 'arc-editor');
  expect(problems).toEqual([]);
});

test('ARC votes: the shipped model’s augmented copies of a task solve side by side and vote', async ({ page }, info) => {
  test.setTimeout(300_000); // 8 copies × 16 steps of the 900-cell model on the CPU reference
  const problems = watchConsole(page);
  await openApp(page);
  await page.getByRole('tab', { name: 'ARC' }).click();
  await expect(page.getByTestId('model-card')).toContainText('30×30 canvas', { timeout: 60_000 });
  await useCpuEngine(page);
  await page.getByRole('button', { name: 'Gallery…' }).click();
  await page.getByLabel('Set').selectOption('evaluation');
  await page.getByLabel('only tasks the model knows').check();
  await expect(page.getByRole('button', { name: /^Open task .* \(the model knows it\)$/ })).toHaveCount(4); // models/arc.json
  await page.getByRole('button', { name: 'Open task 00576224 (the model knows it)' }).click();
  const votes = page.getByRole('combobox', { name: /^Votes/ });
  await expect(votes.getByRole('option', { name: 'auto (all 17 on WebGPU, 4 on the CPU engine)' })).toHaveCount(1); // original + 16 copies
  await votes.selectOption('8');
  await page.getByRole('checkbox', { name: /Record every recursion call/ }).uncheck();
  await page.getByRole('button', { name: 'Solve', exact: true }).click();
  const progress = page.getByTestId('solve-progress');
  await expect(progress).toContainText('Done: 16 of 16 steps', { timeout: 240_000 });
  await expect(progress).toContainText('8 voting copies');
  await page.getByRole('slider', { name: 'Supervision step' }).fill('16');
  await expect(page.getByTestId('views-summary')).toContainText(/^ · [1-8] of 8 copies vote for this answer/);
  await expect(page.getByText('Agreement (share of copies with this cell), step 16')).toBeVisible();
  await shot(page, info, 'arc-votes');
  expect(problems).toEqual([]);
});
