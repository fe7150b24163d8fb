// Build-time pieces of "offline and locked down": the Content-Security-Policy of the built app (a <meta> in
// index.html, and a header from `vite preview`), and the service worker with the list of every built file.
// Hand-written rather than vite-plugin-pwa: the list must include the models that another plugin copies into the
// build at closeBundle, and the worker is 40 lines; workbox would add a large build dependency for that.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

/**
 * Scripts, workers, styles, images and fonts only from the app itself; connections to the app and to https URLs
 * (a model URL the user types; the app makes no other outside connection); no plugins, no framing, no <base>.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' https:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Cross-origin isolation: with these two headers on the page, SharedArrayBuffer exists and the CPU engine
 * (src/wasm) runs on several threads. A static host must send them with every file (README); without them the
 * engine runs on one thread and the solve bar says so. The app loads nothing from other origins but a model URL the
 * user types, which is fetched with CORS and so is not blocked by require-corp.
 */
export const CROSS_ORIGIN_ISOLATION: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Sends CROSS_ORIGIN_ISOLATION with every response of the dev server and of `vite preview`. */
export function crossOriginIsolation(): Plugin {
  const headers = (_req: unknown, res: { setHeader(k: string, v: string): void }, next: () => void) => {
    for (const [k, v] of Object.entries(CROSS_ORIGIN_ISOLATION)) res.setHeader(k, v);
    next();
  };
  return {
    name: 'trm-cross-origin-isolation',
    configureServer: (server) => void server.middlewares.use(headers),
    configurePreviewServer: (server) => void server.middlewares.use(headers),
  };
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? listFiles(file, base) : [path.relative(base, file).split(path.sep).join('/')];
  });
}

export function offlineApp(options: { modelsDir: string; swSource: string }): Plugin {
  let outDir = 'dist';
  return {
    name: 'trm-offline-app',
    // The build writes the worker and the meta tag; `vite preview` (a serve command) sends the header.
    apply: (_config, env) => env.command === 'build' || !!env.isPreview,
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir);
    },
    transformIndexHtml() {
      return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }];
    },
    configurePreviewServer(server) {
      server.middlewares.use((_req, res, next) => {
        res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
        next();
      });
    },
    closeBundle() {
      if (process.env.VITEST) return;
      // The shipped models are listed from their source folder: the plugin that copies them may not be done yet.
      const built = listFiles(outDir).filter((f) => f !== 'sw.js' && !f.startsWith('models/'));
      const models = listFiles(options.modelsDir).map((f) => `models/${f}`);
      const files = [...new Set([...built, ...models, 'models/manifest.json'])].sort();
      const template = readFileSync(options.swSource, 'utf8');
      const hash = createHash('sha256').update(template);
      for (const f of built) hash.update(f).update(readFileSync(path.join(outDir, f)));
      for (const f of models) hash.update(f).update(readFileSync(path.join(options.modelsDir, f.slice('models/'.length))));
      const head = `const VERSION = ${JSON.stringify(hash.digest('hex').slice(0, 16))};\nconst PRECACHE = ${JSON.stringify(files.map((f) => `./${f}`))};\n`;
      writeFileSync(path.join(outDir, 'sw.js'), head + template);
    },
  };
}
