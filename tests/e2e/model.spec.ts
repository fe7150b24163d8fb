import { test, expect } from '@playwright/test';
import { fixtureModel, loadFixture, loadModelFile, openApp, watchConsole } from './helpers';

test('a bad model file leaves the previous model loaded with a clear error; cached models can be deleted', async ({ page }) => {
  const problems = watchConsole(page);
  await openApp(page);
  await loadFixture(page, 'sudoku-mlp-h64');
  const cell = page.getByRole('gridcell', { name: /^Row 1, column 1:/ });
  await cell.click();
  await page.keyboard.press('9');

  await page.getByTestId('model-file').setInputFiles({ name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a model') });
  await expect(page.getByTestId('model-error')).toContainText('Could not load broken.safetensors');
  await expect(page.getByTestId('model-error')).toContainText('previous model stays loaded');
  await expect(page.getByTestId('model-card')).toContainText('sudoku-mlp-h64');

  // Switching to another model keeps the puzzle.
  await loadModelFile(page, fixtureModel('sudoku-att-h64'));
  await expect(page.getByTestId('model-card')).toContainText('sudoku-att-h64', { timeout: 60_000 });
  await expect(page.getByTestId('model-card')).toContainText('attention');
  await expect(cell).toHaveAttribute('aria-label', /: 9$/);

  // Both good files are kept in the Cache API; the broken one is not.
  const list = page.getByRole('list', { name: 'Cached models' });
  const fixtures = list.getByRole('listitem').filter({ hasText: 'model.safetensors' }); // a shipped default may be cached too
  await expect(fixtures).toHaveCount(2);
  await expect(list).not.toContainText('broken');
  await page.getByRole('button', { name: /^Delete model\.safetensors \(1\.52 MB\)/ }).click();
  await expect(fixtures).toHaveCount(1);
  await page.getByRole('button', { name: /^Delete model\.safetensors/ }).click();
  await expect(fixtures).toHaveCount(0);

  // A 4×4 test model does not fit a Sudoku: solving is refused with the reason.
  await loadModelFile(page, fixtureModel('tiny4-mlp-h32'));
  await expect(page.getByTestId('model-card')).toContainText('tiny4-mlp-h32', { timeout: 60_000 });
  await expect(page.getByText(/reads 16 cells per puzzle but a sudoku puzzle has 81/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Solve', exact: true })).toBeDisabled();
  expect(problems).toEqual([]);
});
