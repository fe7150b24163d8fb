// Issue #4, deliverable 4: the app engine's CLI (`npm run solve -- --csv`) and training/evaluate.py, run on
// the same puzzles with the same shipped model, must report the same accuracy — row by row.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const MODEL = 'models/sudoku.safetensors';
const CSV = 'tests/fixtures/sudoku-eval-small.csv'; // 12 easy + 6 medium of our generator's held-out puzzles
const LIMIT = '8'; // an evenly strided sample, the same rows in both tools
const PYTHON = '.venv/bin/python'; // made by scripts/ensure-python.sh (npm test runs it first)

interface Result {
  n: number;
  exact_accuracy: number;
  token_accuracy: number;
  exact_accuracy_per_step: number[];
  mean_halting_step: number;
  solved: boolean[];
}

function only(json: string): Result {
  const lines = json.trim().split('\n');
  const doc = JSON.parse(lines.slice(lines.findIndex((l) => l.startsWith('{'))).join('\n')) as { results: Record<string, Result> };
  return Object.values(doc.results)[0];
}

function cli(backend: string): Result {
  const out = execFileSync('npx', ['tsx', 'scripts/solve.ts', '--model', MODEL, '--task', 'sudoku', '--csv', CSV,
    '--limit', LIMIT, '--batch', LIMIT, '--backend', backend, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return only(out);
}

describe('npm run solve --csv reports the accuracy of training/evaluate.py', () => {
  it('on the same rows: exact, per-step, per-row, halting step, token', { timeout: 600_000 }, () => {
    const py = only(execFileSync(PYTHON, ['training/evaluate.py', '--model', MODEL, '--csv', CSV, '--limit', LIMIT,
      '--json', '--per-row', '--threads', '1'], { encoding: 'utf8' }));
    expect(py.n).toBe(Number(LIMIT));
    for (const backend of ['cpu', 'webgpu']) {
      const ts = cli(backend);
      expect(ts.n, backend).toBe(py.n);
      expect(ts.solved, backend).toEqual(py.solved);
      expect(ts.exact_accuracy, backend).toBe(py.exact_accuracy);
      expect(ts.exact_accuracy_per_step, backend).toEqual(py.exact_accuracy_per_step);
      expect(ts.mean_halting_step, backend).toBe(py.mean_halting_step);
      expect(Math.abs(ts.token_accuracy - py.token_accuracy), backend).toBeLessThan(1e-6); // Python sums in float32
    }
  });
});
