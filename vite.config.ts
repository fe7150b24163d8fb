import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// One config for the app (vite) and the tests (vitest projects).
// - unit: pure TypeScript in Node (core, codecs, weights, CPU reference, kernel choice).
// - gpu:  the WebGPU engine in Node through npm `webgpu` (Dawn); scripts/test.sh sets the
//         Vulkan driver variables before vitest starts (they must be in the real environment).
export default defineConfig({
  plugins: [react(), tailwindcss()],
  assetsInclude: ['**/*.wgsl'],
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
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
