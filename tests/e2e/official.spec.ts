import { test, expect } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApp, repoRoot, watchConsole } from './helpers';

// Official-format checkpoints (torch.save zip named step_N) from the official reference fixtures (tests/fixtures/reference).
const reference = (name: string, file: string) => path.resolve(repoRoot, 'tests/fixtures/reference', name, file);

test('an official step_N without all_config.yaml asks to confirm n and T; with the YAML it loads directly', async ({ page }) => {
  const problems = watchConsole(page);
  await openApp(page);

  await page.getByTestId('model-file').setInputFiles(reference('sudoku-mlp-tiny', 'step_0'));
  const dialog = page.getByRole('dialog', { name: /Confirm the recursion settings of step_0/ });
  await expect(dialog).toBeVisible({ timeout: 60_000 });
  await expect(dialog).toContainText('wrong n (L_cycles) ruins accuracy');
  await expect(dialog.getByLabel('n (L_cycles)')).toHaveValue('6'); // the published Sudoku preset
  await dialog.getByLabel('n (L_cycles)').fill('3');
  await dialog.getByLabel('T (H_cycles)').fill('2');
  await dialog.getByRole('button', { name: 'Use these settings' }).click();
  await expect(page.getByTestId('model-card')).toContainText('n = L_cycles 3, T = H_cycles 2');
  await expect(page.getByTestId('model-card')).toContainText('official step_N');

  // Cancelling the confirmation keeps the model that is loaded.
  await page.getByTestId('model-file').setInputFiles(reference('sudoku-mlp-tiny', 'step_0'));
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel loading' }).click();
  await expect(page.getByTestId('model-error')).toContainText('previous model stays loaded');
  await expect(page.getByTestId('model-card')).toContainText('n = L_cycles 3, T = H_cycles 2');

  // With its all_config.yaml: no question, n and T from the run's config.
  // A model of another task is loaded for that tab; the app asks before it switches tabs.
  await page.getByTestId('model-file').setInputFiles([reference('maze-att-tiny', 'step_0'), reference('maze-att-tiny', 'all_config.yaml')]);
  await expect(page.getByTestId('app-notice-other-task')).toContainText('is a Maze model: it is loaded for the Maze tab', { timeout: 60_000 });
  await expect(page.getByRole('tab', { name: 'Sudoku' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('button', { name: 'Show the Maze tab' }).click();
  await expect(page.getByRole('tab', { name: 'Maze' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('model-card')).toContainText('attention, 2 heads');
  await expect(page.getByTestId('model-card')).toContainText('n = L_cycles 2, T = H_cycles 2');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('an official ARC step_N dropped with its identifiers.json loads by byte range, names checked against the table', async ({ page }, info) => {
  const problems = watchConsole(page);
  await openApp(page);
  let n = 0;
  const ids = (names: string[]) => {
    const file = info.outputPath(`ids-${n++}`, 'identifiers.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(names));
    return file;
  };

  // Names for another dataset (2 rows, the table has 5): a clear error, nothing loaded.
  await page
    .getByTestId('model-file')
    .setInputFiles([reference('arc-att-tiny', 'step_0'), reference('arc-att-tiny', 'all_config.yaml'), ids(['<blank>', 'x'])]);
  await expect(page.getByTestId('model-error')).toContainText('identifiers.json lists 2 names', { timeout: 60_000 });

  // The right number of names: the (small) table loads whole, with no question asked.
  const names = ['<blank>', 'aaaa1111', 'aaaa1111|||t1|||0123456789', 'bbbb2222', 'bbbb2222|||t2|||0123456789'];
  await page
    .getByTestId('model-file')
    .setInputFiles([reference('arc-att-tiny', 'step_0'), reference('arc-att-tiny', 'all_config.yaml'), ids(names)]);
  await page.getByRole('button', { name: 'Show the ARC tab' }).click({ timeout: 60_000 });
  await expect(page.getByRole('tab', { name: 'ARC' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('model-card')).toContainText('official step_N');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(problems).toEqual([]);
});
