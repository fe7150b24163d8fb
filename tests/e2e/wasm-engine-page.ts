// Runs the wasm CPU engine (src/wasm) on the golden fixtures in the page, on helper threads when the page is
// cross-origin isolated, and leaves the worst differences per step on window.__wasmResults for
// tests/e2e/wasm-engine.spec.ts. Tolerances as tests/unit/wasm-engine.test.ts: max(1e-3, 4 · float64 drift).
import { loadAppModel } from '../../src/core/weights/app-format';
import { createWasmEngine } from '../../src/wasm/engine';
import { spawnWebThread } from '../../src/wasm/threads-web';

const PAGE_FIXTURES = ['tiny4-att-h32', 'tiny4-mlp-h32', 'sudoku-att-h64', 'maze6-mlp-h16'];

interface Stored {
  inputs: number[][];
  puzzle_identifiers: number[];
  float64_max_abs_logit_diff: number[];
  float64_max_abs_q_diff: number[];
  steps: { logits: number[][][]; q_halt_logits: number[]; q_continue_logits: number[] }[];
}

interface StepCheck {
  step: number;
  logitErr: number;
  qErr: number;
  tol: number;
}

declare global {
  interface Window {
    __wasmResults?: { isolated: boolean; threads: number[]; cases: { name: string; checks: StepCheck[] }[] } | { error: string };
  }
}

async function main(): Promise<void> {
  const log = document.getElementById('log')!;
  const cases: { name: string; checks: StepCheck[] }[] = [];
  const threads: number[] = [];
  for (const name of PAGE_FIXTURES) {
    const base = `/tests/fixtures/${name}/`;
    const fx = (await (await fetch(base + 'trace.json')).json()) as Stored;
    const bundle = await loadAppModel(new Uint8Array(await (await fetch(base + 'model.safetensors')).arrayBuffer()));
    const engine = await createWasmEngine(bundle, { threads: Math.min(4, navigator.hardwareConcurrency || 1), spawn: spawnWebThread });
    threads.push(engine.facts.threads);
    let steps = 0;
    while (steps < 16 && fx.float64_max_abs_logit_diff[steps] <= 1e-2) steps++;
    const input = { tokens: Int32Array.from(fx.inputs.flat()), puzzleIds: Int32Array.from(fx.puzzle_identifiers) };
    const trace = await engine.solve(input, { steps, recordLogits: true });
    engine.dispose();
    const checks = trace.steps.map((s, k) => {
      const want = fx.steps[k];
      const flat = want.logits.flat(2);
      let logitErr = 0;
      flat.forEach((v, i) => (logitErr = Math.max(logitErr, Math.abs(s.logits![i] - v))));
      let qErr = 0;
      want.q_halt_logits.forEach((v, b) => (qErr = Math.max(qErr, Math.abs(s.qHalt[b] - v), Math.abs(s.qContinue[b] - want.q_continue_logits[b]))));
      const tol = Math.max(1e-3, 4 * fx.float64_max_abs_logit_diff[k], 4 * fx.float64_max_abs_q_diff[k]);
      return { step: k + 1, logitErr, qErr, tol };
    });
    cases.push({ name, checks });
    log.textContent += `\n${name}: ${checks.length} steps, worst logit diff ${Math.max(...checks.map((c) => c.logitErr)).toExponential(1)}`;
  }
  window.__wasmResults = { isolated: crossOriginIsolated, threads, cases };
}

main().catch((e: unknown) => {
  window.__wasmResults = { error: e instanceof Error ? e.message : String(e) };
});
