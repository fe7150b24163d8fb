// Issue #4, deliverable 4: the app engine's CLI (`npm run solve -- --csv`) and training/evaluate.py, run on
// the same puzzles with the same shipped model, must report the same accuracy — row by row.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const MODEL = 'models/sudoku.safetensors';
const CSV = 'tests/fixtures/sudoku-eval-small.csv'; // 12 easy + 6 medium of our generator's held-out puzzles
const VIEWS_CSV = 'tests/fixtures/sudoku-eval-views.csv'; // 2 held-out medium puzzles (one only a later view solved, at the time)
const LIMIT = '8'; // an evenly strided sample, the same rows in both tools
const PYTHON = '.venv/bin/python'; // made by scripts/ensure-python.sh (npm test runs it first)

interface Result {
  n: number;
  single_view_exact?: number;
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

function cli(backend: string, extra: string[] = ['--csv', CSV, '--limit', LIMIT, '--batch', LIMIT]): Result {
  const out = execFileSync('npx', ['tsx', 'scripts/solve.ts', '--model', MODEL, '--task', 'sudoku', ...extra,
    '--backend', backend, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return only(out);
}

function python(extra: string[]): Result {
  return only(execFileSync(PYTHON, ['training/evaluate.py', '--model', MODEL, ...extra, '--json', '--per-row', '--threads', '1'],
    { encoding: 'utf8' }));
}

function expectSame(ts: Result, py: Result, backend: string) {
  expect(ts.n, backend).toBe(py.n);
  expect(ts.solved, backend).toEqual(py.solved);
  expect(ts.exact_accuracy, backend).toBe(py.exact_accuracy);
  expect(ts.exact_accuracy_per_step, backend).toEqual(py.exact_accuracy_per_step);
  expect(ts.mean_halting_step, backend).toBe(py.mean_halting_step);
  expect(Math.abs(ts.token_accuracy - py.token_accuracy), backend).toBeLessThan(1e-6); // Python sums in float32
}

describe('npm run solve --csv reports the accuracy of training/evaluate.py', () => {
  it('on the same rows: exact, per-step, per-row, halting step, token', { timeout: 600_000 }, () => {
    const py = python(['--csv', CSV, '--limit', LIMIT]);
    expect(py.n).toBe(Number(LIMIT));
    for (const backend of ['cpu', 'webgpu']) expectSame(cli(backend), py, backend);
  });

  it('with test-time views: the same views, merged the same way, per row', { timeout: 600_000 }, () => {
    const args = ['--csv', VIEWS_CSV, '--views', '4'];
    const py = python(args);
    const single = python(['--csv', VIEWS_CSV]);
    expect(py.n).toBe(2);
    expect(py.single_view_exact).toBe(single.exact_accuracy); // view 0 is the puzzle as given
    // a puzzle its own view solves, the rule check keeps solved (the first rule-valid view is the solution)
    single.solved.forEach((ok, i) => expect(!ok || py.solved[i]).toBe(true));
    for (const backend of ['cpu', 'webgpu']) expectSame(cli(backend, [...args, '--batch', '2']), py, backend);
  });
});

describe('npm run solve on ARC votes', () => {
  // The shipped ARC model knows 00576224 as its original and 16 augmented copies (models/arc.json).
  const run = (backend: string) =>
    JSON.parse(
      execFileSync('npx', ['tsx', 'scripts/solve.ts', '--model', 'models/arc.safetensors', '--task', 'arc', '--puzzle', '[[3,2],[7,8]]',
        '--puzzle-id', '00576224', '--views', '4', '--steps', '2', '--backend', backend, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    ) as { batch: number; steps: { preds: number[]; qHalt: number[]; views: { count: number; shown: number[]; valid: number[] } }[] };

  it('WebGPU and the CPU reference merge the same vote of 4 copies', { timeout: 600_000 }, () => {
    const cpu = run('cpu');
    const gpu = run('webgpu');
    expect(cpu.batch).toBe(1);
    expect(cpu.steps).toHaveLength(2);
    cpu.steps.forEach((s, k) => {
      expect(s.views.count).toBe(4);
      expect(s.preds).toHaveLength(900);
      expect(gpu.steps[k].views).toEqual(s.views);
      expect(gpu.steps[k].preds).toEqual(s.preds);
      expect(Math.abs(gpu.steps[k].qHalt[0] - s.qHalt[0])).toBeLessThan(1e-3);
    });
  });
});
