import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fixtureModel, openApp, useCpuEngine, watchConsole } from './helpers';

test('load a model from a URL (kept in the cache) and by drag-and-drop', async ({ page }) => {
  const problems = watchConsole(page);
  const bytes = readFileSync(fixtureModel('sudoku-att-h64'));
  const url = 'https://models.example.test/trm/sudoku-att.safetensors';
  let downloads = 0;
  await page.route(url, (route) => {
    downloads++;
    return route.fulfill({
      status: 200,
      body: bytes,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length), 'access-control-allow-origin': '*' },
    });
  });
  await openApp(page);
  await page.getByLabel('Model URL').fill(url);
  await page.getByRole('button', { name: 'Load URL' }).click();
  await expect(page.getByTestId('model-card')).toContainText('sudoku-att-h64', { timeout: 60_000 });
  const cached = page.getByRole('list', { name: 'Cached models' });
  await expect(cached).toContainText('sudoku-att.safetensors');
  await expect(cached).toContainText('520.9 KB');

  // Loading the same URL again comes from the Cache API, not the network.
  await page.getByRole('button', { name: 'Load URL' }).click();
  await expect(page.getByTestId('model-progress')).toHaveCount(0, { timeout: 60_000 });
  expect(downloads).toBe(1);

  // A URL that answers 404: a clear message, the model stays.
  await page.route('https://models.example.test/missing.safetensors', (r) => r.fulfill({ status: 404, body: 'no', headers: { 'access-control-allow-origin': '*' } }));
  await page.getByLabel('Model URL').fill('https://models.example.test/missing.safetensors');
  await page.getByRole('button', { name: 'Load URL' }).click();
  await expect(page.getByTestId('model-error')).toContainText('HTTP 404');
  await expect(page.getByTestId('model-card')).toContainText('sudoku-att-h64');

  // Drag and drop a file onto the drop zone.
  const mlp = readFileSync(fixtureModel('sudoku-mlp-h64')).toString('base64');
  const dataTransfer = await page.evaluateHandle((b64) => {
    const dt = new DataTransfer();
    const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    dt.items.add(new File([raw], 'dropped.safetensors'));
    return dt;
  }, mlp);
  await page.getByText('Drop a model here').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('model-card')).toContainText('sudoku-mlp-h64', { timeout: 60_000 });
  await expect(cached).toContainText('dropped.safetensors');

  // ...and solve with the dropped model.
  await useCpuEngine(page);
  await page.getByLabel('Paste 81 characters').fill('53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79');
  await page.getByRole('button', { name: 'Load text' }).click();
  await page.getByRole('button', { name: 'Solve', exact: true }).click();
  await expect(page.getByTestId('solve-progress')).toContainText('Done: 16 of 16 steps', { timeout: 90_000 });
  expect(problems.filter((p) => !p.includes('404'))).toEqual([]); // the 404 above is logged by the browser itself
});

test('the shipped default model loads by itself, with its card', async ({ page }) => {
  const problems = watchConsole(page);
  const bytes = readFileSync(fixtureModel('sudoku-mlp-h64'));
  await page.route('**/models/manifest.json', (r) =>
    r.fulfill({ json: [{ task: 'sudoku', weights: 'sudoku.safetensors', card: 'sudoku.json' }] }),
  );
  await page.route('**/models/sudoku.safetensors', (r) =>
    r.fulfill({ body: bytes, headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) } }),
  );
  await page.route('**/models/sudoku.json', (r) =>
    r.fulfill({ json: { trained_on: 'a test manifest', accuracy: { exact_puzzle: 0.873 } } }),
  );
  await openApp(page);
  const card = page.getByTestId('model-card');
  await expect(card).toContainText('sudoku-mlp-h64', { timeout: 60_000 });
  await expect(card).toContainText('a test manifest');
  await expect(card).toContainText('87.3%'); // a flat accuracy object
  await page.getByRole('tab', { name: 'Maze' }).click();
  await expect(page.getByTestId('no-default-model')).toContainText('No default model is shipped for Maze');
  expect(problems).toEqual([]);
});

test('a model URL that never answers can be cancelled; one that is not a URL says so; one too large is refused by its size', async ({ page }) => {
  const problems = watchConsole(page);
  await openApp(page);
  await expect(page.getByTestId('model-card')).toBeVisible({ timeout: 60_000 });
  const before = await page.getByTestId('model-card').textContent();

  await page.route('https://models.example.test/never.safetensors', () => undefined); // no answer, ever
  await page.getByLabel('Model URL').fill('https://models.example.test/never.safetensors');
  await page.getByRole('button', { name: 'Load URL' }).click();
  await expect(page.getByTestId('model-progress')).toContainText('Downloading never.safetensors');
  await page.getByTestId('model-progress').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('model-error')).toContainText('Stopped loading never.safetensors. The previous model stays loaded.');
  await expect(page.getByTestId('model-progress')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Load URL' })).toBeEnabled();

  await page.getByLabel('Model URL').fill('http://[::1');
  await page.getByRole('button', { name: 'Load URL' }).click();
  await expect(page.getByTestId('model-error')).toContainText('is not a web address');

  await page.route('https://models.example.test/huge.safetensors', (r) =>
    r.fulfill({ status: 200, body: 'x', headers: { 'content-length': String(3 * 1024 ** 3), 'access-control-allow-origin': '*' } }),
  );
  await page.getByLabel('Model URL').fill('https://models.example.test/huge.safetensors');
  await page.getByRole('button', { name: 'Load URL' }).click();
  await expect(page.getByTestId('model-error')).toContainText(/it is 3072 MB, more than the 2048 MB read into the page/);
  expect(await page.getByTestId('model-card').textContent()).toBe(before);
  expect(problems).toEqual([]);
});
