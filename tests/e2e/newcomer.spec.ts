// The first ten minutes in the app, checked by element sizes and positions (not pixels): a compact model card
// with the drop zone and the engine in reach, honest warnings for weak models, an even Sudoku grid, one maze
// warning, drops anywhere, and screenshots of the three tabs at desktop and phone widths in test-results/.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fixtureModel, loadFixture, openApp, useCpuEngine, watchConsole } from './helpers';

const WIDTHS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

async function box(page: Page, testId: string) {
  const b = await page.getByTestId(testId).boundingBox();
  expect(b, testId).not.toBeNull();
  return b!;
}

for (const size of WIDTHS) {
  test(`three tabs at ${size.name} width: compact card, tools in reach, screenshots`, async ({ page }, info) => {
    const problems = watchConsole(page);
    await page.setViewportSize({ width: size.width, height: size.height });
    await openApp(page);
    await expect(page.getByTestId('model-card')).toBeVisible({ timeout: 60_000 });
    for (const tab of ['Sudoku', 'Maze', 'ARC'] as const) {
      await page.getByRole('tab', { name: tab }).click();
      await expect(page.getByTestId('model-card')).toContainText(tab.toLowerCase(), { timeout: 60_000 });
      const card = await box(page, 'model-card');
      // The card is a summary: its long notes and commands are behind "Details".
      expect(card.height, `${tab} card height`).toBeLessThan(size.name === 'desktop' ? 420 : 520);
      await expect(page.getByTestId('model-details')).not.toHaveAttribute('open');
      // The engine choice sits where a solve starts.
      const engine = await page.getByRole('combobox', { name: 'Engine' }).boundingBox();
      const solve = await page.getByRole('button', { name: 'Solve', exact: true }).boundingBox();
      expect(Math.abs(engine!.y - solve!.y), 'engine beside Solve').toBeLessThan(120);
      if (size.name === 'desktop') {
        // The drop zone and the URL box are on the first screen.
        const drop = await page.getByText(/^Drop a model here/).boundingBox();
        expect(drop!.y + drop!.height, `${tab} drop zone on screen`).toBeLessThan(size.height);
      }
      await page.screenshot({ path: info.outputPath(`${tab.toLowerCase()}-${size.name}.png`), fullPage: true });
    }
    expect(problems).toEqual([]);
  });
}

test('a weak model says so before a solve; a strong one does not', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('model-card')).toContainText('sudoku', { timeout: 60_000 });
  await expect(page.getByTestId('weak-model')).toHaveCount(0);
  await expect(page.getByTestId('model-verdict')).toContainText(/Exact answers: held-out easy 100%/);
  await expect(page.getByTestId('runs-not-kept')).toContainText('Solves are not kept across reloads');
  await page.getByRole('tab', { name: 'Maze' }).click();
  await expect(page.getByTestId('model-card')).toContainText('maze', { timeout: 60_000 });
  await expect(page.getByTestId('model-weak-badge')).toBeVisible();
  await expect(page.getByTestId('weak-model')).toContainText(/The loaded model is weak: .*copy the input.*load a trained model/);
});

test('Sudoku rows and columns keep one size when a row has no givens', async ({ page }) => {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await openApp(page);
    await page.getByLabel('Paste 81 characters').fill(`${'.'.repeat(9)}${'123456789'.repeat(8)}`.slice(0, 81));
    await page.getByRole('button', { name: 'Load text' }).click();
    const heights = await page.getByRole('gridcell').evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect().height));
    const widths = await page.getByRole('gridcell').evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect().width));
    expect(heights.length).toBe(81);
    expect(Math.max(...heights) - Math.min(...heights), `row heights at ${width}`).toBeLessThan(3);
    expect(Math.max(...widths) - Math.min(...widths), `column widths at ${width}`).toBeLessThan(3);
  }
});

test('a maze without S or G is said once; a file dropped anywhere loads; a junk file gets whole sentences', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Maze' }).click();
  await expect(page.getByTestId('maze-problems')).toContainText('no start S');
  await expect(page.getByText(/The maze has no start S/)).toHaveCount(1);

  await page.getByRole('tab', { name: 'Sudoku' }).click();
  const b64 = readFileSync(fixtureModel('sudoku-mlp-h64')).toString('base64');
  const dataTransfer = await page.evaluateHandle((data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'anywhere.safetensors'));
    return dt;
  }, b64);
  await page.getByRole('heading', { name: 'Sudoku puzzle' }).dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('model-card')).toContainText('sudoku-mlp-h64', { timeout: 60_000 });

  await page.getByTestId('model-file').setInputFiles({ name: 'junk.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model at all, just text') });
  const error = page.getByTestId('model-error');
  await expect(error).toContainText('The previous model stays loaded.');
  expect(await error.textContent()).toMatch(/[.!?)] The previous model stays loaded\.$/);
});

test('the visualizer: step 1 before y is updated is labelled the initial state; the heatmap tooltip stays on screen', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await loadFixture(page);
  await useCpuEngine(page);
  await page.getByLabel('Paste 81 characters').fill('53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79');
  await page.getByRole('button', { name: 'Load text' }).click();
  await page.getByRole('button', { name: 'Solve', exact: true }).click();
  await expect(page.getByTestId('solve-progress')).toContainText('Done: 16 of 16 steps', { timeout: 90_000 });
  await page.getByRole('slider', { name: 'Supervision step' }).fill('1');
  await page.getByRole('radiogroup', { name: 'Recursion call' }).getByRole('radio').first().click();
  await expect(page.getByTestId('step-summary')).toContainText('initial state: y before its first update');
  await expect(page.getByTestId('step-summary')).not.toContainText('changes a given digit');
  await expect(page.getByTestId('heat-legend')).toContainText('99.9%');

  const heat = (await page.getByTestId('confidence-heatmap').boundingBox())!;
  await page.mouse.move(heat.x + heat.width - 2, heat.y + heat.height / 2);
  const tip = page.getByRole('tooltip');
  await expect(tip).toBeVisible();
  const t = (await tip.boundingBox())!;
  expect(t.x + t.width).toBeLessThanOrEqual(1440);
  expect(t.x).toBeGreaterThanOrEqual(0);
});

test('the ARC gallery opens on the tasks the model knows, each shown by its first pair', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'ARC' }).click();
  await expect(page.getByTestId('model-card')).toContainText('30×30 canvas', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Gallery…' }).click();
  await expect(page.getByLabel('Set')).toHaveValue('evaluation', { timeout: 30_000 });
  await expect(page.getByLabel('only tasks the model knows')).toBeChecked();
  await expect(page.getByRole('button', { name: /\(the model knows it\)$/ })).toHaveCount(4);
  await expect(page.getByTestId('gallery-thumb')).toHaveCount(4);
  await page.getByLabel('only tasks the model knows').uncheck();
  await expect(page.getByRole('button', { name: /^Show 48 more of/ })).toBeVisible();
});

test('on a software GPU, "Fastest here" times one step on each engine and says which it chose and why', async ({ page }) => {
  test.setTimeout(300_000); // one step of 8 tries on SwiftShader
  const problems = watchConsole(page);
  await openApp(page);
  await expect(page.getByTestId('model-card')).toContainText('sudoku', { timeout: 60_000 });
  await expect(page.getByRole('combobox', { name: 'Engine' })).toHaveValue('auto');
  await page.getByRole('checkbox', { name: /Record every recursion call/ }).uncheck();
  await page.getByLabel('Paste 81 characters').fill('53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79');
  await page.getByRole('button', { name: 'Load text' }).click();
  await page.getByRole('button', { name: 'Solve', exact: true }).click();
  const notice = page.getByTestId('engine-notice');
  await expect(notice).toContainText(/^Software GPU \(.*swiftshader.*\): one step took .* on it \(8 tries\) and .* on the CPU engine \(\d+ tries\)/i, { timeout: 240_000 });
  await expect(page.getByTestId('solve-progress')).toContainText('Done', { timeout: 120_000 });
  await expect(page.getByTestId('solve-progress')).toContainText(/CPU \(WebAssembly\)|WebGPU/);
  expect(problems).toEqual([]);
});
