import { defineConfig } from '@playwright/test';

// Debian's chromium with WebGPU on SwiftShader (see README). Never `npx playwright install`.
const port = 5199;
/** The built app (`vite build` + `vite preview`): offline use and the Content-Security-Policy live only there. */
export const builtPort = 5198;
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'on',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--enable-unsafe-webgpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: [
    {
      command: `npx vite --port ${port} --strictPort`,
      env: { TRM_NO_HMR: '1' }, // other work in the checkout must not hot-reload a page under test
      url: `http://127.0.0.1:${port}`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
    {
      command: `npx vite build --outDir dist-e2e --emptyOutDir && npx vite preview --outDir dist-e2e --port ${builtPort} --strictPort`,
      url: `http://127.0.0.1:${builtPort}`,
      reuseExistingServer: !process.env.CI,
      timeout: 240_000,
    },
  ],
});
