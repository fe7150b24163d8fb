// Runs the browser subset of tests/gpu/kernel-cases.ts on the page's WebGPU adapter and leaves the results
// on window.__kernelResults for tests/e2e/kernels.spec.ts.
import { requestTrmDevice } from '../../src/gpu/device';
import { shaderSources } from '../../src/gpu/shaders-vite';
import { KERNEL_CASES, passes, type Check } from '../gpu/kernel-cases';

interface CaseResult {
  name: string;
  checks: Check[];
  error?: string;
}

declare global {
  interface Window {
    __kernelResults?: { adapter: string; cases: CaseResult[] } | { error: string };
  }
}

async function main(): Promise<void> {
  const log = document.getElementById('log')!;
  const { device, adapterInfo } = await requestTrmDevice(navigator.gpu);
  const cases: CaseResult[] = [];
  for (const c of KERNEL_CASES.filter((k) => k.browser)) {
    try {
      cases.push({ name: c.name, checks: await c.run(device, shaderSources) });
    } catch (e) {
      cases.push({ name: c.name, checks: [], error: (e as Error).message });
    }
    const last = cases[cases.length - 1];
    log.textContent += `\n${last.error || !last.checks.every(passes) ? 'FAIL' : 'ok'}  ${c.name}`;
  }
  device.destroy();
  window.__kernelResults = { adapter: adapterInfo, cases };
}

main().catch((e: unknown) => {
  window.__kernelResults = { error: e instanceof Error ? e.message : String(e) };
});
