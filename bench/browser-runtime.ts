// Runs the benchmark page in Debian's headless Chromium (WebGPU on SwiftShader without a GPU), served by
// Vite on 127.0.0.1. Model files and ONNX Runtime's wasm are served to the page through Playwright routes.
// Every response carries COOP same-origin + COEP require-corp (and CORP same-origin), so the page is
// cross-origin isolated: SharedArrayBuffer, hence threads for our wasm engine and ORT's wasm EP.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import type { BenchCase } from './results';
import type { CaseJob } from './run-case';
import { REPO_ROOT, type PreparedModel } from './prepare';
import type { BenchRuntimeHandle } from './runtime';
import type { PageAdapter, PageFiles } from './page';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ORT_DIST = join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const FILES_PREFIX = '/__bench/files/';
const ORT_PREFIX = '/__bench/ort/';

const CONTENT_TYPES: Record<string, string> = { '.wasm': 'application/wasm', '.mjs': 'text/javascript', '.js': 'text/javascript' };

/** Cross-origin isolation for the page and its workers; CORP so the routed files load under COEP. */
export const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function startBrowserRuntime(log: (s: string) => void): Promise<BenchRuntimeHandle> {
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await createServer({
      configFile: false,
      root: REPO_ROOT,
      logLevel: 'error',
      server: { host: '127.0.0.1', port: 5290, strictPort: false, hmr: false, headers: ISOLATION_HEADERS },
      optimizeDeps: { entries: ['bench/index.html'], exclude: ['onnxruntime-web'] },
    });
    await server.listen();
    const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5290/';
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--enable-unsafe-webgpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page: Page = await browser.newPage();
    page.on('console', (m) => {
      const t = m.text();
      if (t.startsWith('[bench]')) log(t.slice(8));
      else if (m.type() === 'error') log(`page error: ${t}`);
    });
    page.on('pageerror', (e) => log(`page exception: ${e.message}`));
    const served = new Map<string, string>(); // URL file name -> path on disk
    await page.route(`**${FILES_PREFIX}*`, (route) => {
      const path = served.get(basename(new URL(route.request().url()).pathname));
      return path
        ? route.fulfill({ body: readFileSync(path), contentType: 'application/octet-stream', headers: ISOLATION_HEADERS })
        : route.fulfill({ status: 404, headers: ISOLATION_HEADERS });
    });
    await page.route(`**${ORT_PREFIX}*`, (route) => {
      const name = basename(new URL(route.request().url()).pathname);
      const ext = name.slice(name.lastIndexOf('.'));
      try {
        return route.fulfill({ body: readFileSync(join(ORT_DIST, name)), contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream', headers: ISOLATION_HEADERS });
      } catch {
        return route.fulfill({ status: 404, headers: ISOLATION_HEADERS });
      }
    });
    await page.goto(new URL('bench/index.html', base).href, { waitUntil: 'commit', timeout: 120_000 });
    await page.waitForFunction(() => document.body?.dataset.ready === 'true', undefined, { timeout: 300_000 });
    const adapter: PageAdapter = await page.evaluate(() => window.trmBench.adapter());
    if (!adapter.crossOriginIsolated) log('the page is NOT cross-origin isolated: our wasm engine and ORT\'s wasm EP run on 1 thread');
    const version = browser.version();
    const b = browser;
    const s = server;
    const isolation = adapter.crossOriginIsolated ? 'cross-origin isolated' : 'NOT cross-origin isolated: wasm on 1 thread';
    return {
      name: `browser: Chromium ${version} (headless, --enable-unsafe-webgpu; ${isolation}; ${adapter.hardwareConcurrency} cores)`,
      adapter: adapter.description,
      emulated: adapter.emulated,
      async run(job: CaseJob, model: PreparedModel): Promise<BenchCase> {
        served.set(basename(model.weightsPath), model.weightsPath);
        if (model.onnxPath) served.set(basename(model.onnxPath), model.onnxPath);
        const files: PageFiles = {
          weights: FILES_PREFIX + basename(model.weightsPath),
          onnx: model.onnxPath ? FILES_PREFIX + basename(model.onnxPath) : undefined,
          ortWasmPrefix: ORT_PREFIX,
        };
        const result: BenchCase = await page.evaluate(([j, f]) => window.trmBench.runCase(j, f), [job, files] as const);
        if (model.onnxError)
          for (const r of result.results) if ((r.engine === 'ort-webgpu' || r.engine === 'ort-wasm') && r.msPerStep === null) r.error = model.onnxError;
        return result;
      },
      async close() {
        await b.close();
        await s.close();
      },
    };
  } catch (e) {
    await browser?.close();
    await server?.close();
    throw e;
  }
}
