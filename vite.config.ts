import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { createReadStream, cpSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crossOriginIsolation, offlineApp } from './src/offline/vite-plugin.ts';

const root = path.dirname(fileURLToPath(import.meta.url));
const modelsDir = path.join(root, 'models');

/** Serves the top-level models/ folder at /models/ (dev and preview) and copies it into the build. */
function shippedModels(): Plugin {
  const serve = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const rel = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const file = path.join(modelsDir, rel);
    if (!file.startsWith(modelsDir + path.sep)) return next();
    if (rel === '/manifest.json' && !existsSync(file)) {
      res.setHeader('Content-Type', 'application/json');
      res.end('[]'); // no manifest yet: no default model is shipped
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404; // never fall through to index.html: the app reads 404 as "no default model"
      res.setHeader('Content-Type', 'text/plain');
      res.end(`No such model file: ${rel}`);
      return;
    }
    res.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    createReadStream(file).pipe(res);
  };
  let outDir = 'dist';
  return {
    name: 'trm-shipped-models',
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use('/models', serve);
    },
    configurePreviewServer(server) {
      server.middlewares.use('/models', serve);
    },
    closeBundle() {
      // Vitest also closes a bundle (into a placeholder outDir): copy only for real builds.
      if (process.env.VITEST) return;
      if (existsSync(modelsDir)) cpSync(modelsDir, path.join(outDir, 'models'), { recursive: true });
      const manifest = path.join(outDir, 'models', 'manifest.json');
      if (!existsSync(manifest)) {
        mkdirSync(path.dirname(manifest), { recursive: true });
        writeFileSync(manifest, '[]\n');
      }
    },
  };
}

// One config for the app (vite) and the tests (vitest projects).
// - unit: pure TypeScript in Node (core, codecs, weights, CPU reference, kernel choice).
// - gpu:  the WebGPU engine in Node through npm `webgpu` (Dawn); scripts/test.sh sets the
//         Vulkan driver variables before vitest starts (they must be in the real environment).
export default defineConfig({
  plugins: [crossOriginIsolation(), react(), tailwindcss(), shippedModels(), offlineApp({ modelsDir, swSource: path.join(root, 'src/offline/sw.js') })],
  assetsInclude: ['**/*.wgsl'],
  worker: { format: 'es' },
  // TRM_NO_HMR=1 (e2e runs, screenshots): no hot reload, so edits elsewhere in the checkout never reload a test page.
  server: { host: '127.0.0.1', hmr: process.env.TRM_NO_HMR ? false : undefined },
  // The app's own dependency cache: vitest runs in the same checkout rewrite node_modules/.vite/deps.
  cacheDir: process.env.VITEST ? undefined : 'node_modules/.vite-app',
  // Pre-bundled up front: discovering them on first use (the worker imports yaml) makes Vite reload the page.
  // Without HMR a late discovery would leave the page on stale chunks (HTTP 504), so e2e runs optimize only these.
  optimizeDeps: {
    include: ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime', 'zustand', 'zustand/middleware', 'yaml'],
    noDiscovery: !!process.env.TRM_NO_HMR,
  },
  preview: { host: '127.0.0.1' },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'gpu',
          include: ['tests/gpu/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
