import { test, expect } from '@playwright/test';
import path from 'node:path';
import { openApp, repoRoot, watchConsole } from './helpers';

// Official-format checkpoints (torch.save zip named step_N) from the shared reference fixtures.
const reference = (name: string, file: string) => path.resolve(repoRoot, '../shared/reference', name, file);

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
  await page.getByTestId('model-file').setInputFiles([reference('maze-att-tiny', 'step_0'), reference('maze-att-tiny', 'all_config.yaml')]);
  await expect(page.getByRole('tab', { name: 'Maze' })).toHaveAttribute('aria-selected', 'true', { timeout: 60_000 });
  await expect(page.getByTestId('model-card')).toContainText('attention, 2 heads');
  await expect(page.getByTestId('model-card')).toContainText('n = L_cycles 2, T = H_cycles 2');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(problems).toEqual([]);
});
