// `npm run solve` opens the files the page opens: an official step_N by range with its all_config.yaml beside
// it (no file handle left to the garbage collector), and refuses oversized inputs by their size, not by a crash.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './reference-helpers';

const PUZZLE = '530070000600195000098000060800060003400803001700020006060000280000419005000080079';
const tmp = mkdtempSync(path.join(tmpdir(), 'trm-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function solve(args: string[]) {
  const r = spawnSync('npx', ['tsx', 'scripts/solve.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run solve reads files as the page does', () => {
  it('an official step_N takes all_config.yaml from beside it and closes its file', { timeout: 120_000 }, () => {
    const model = 'tests/fixtures/reference/sudoku-mlp-tiny/step_0';
    const r = solve(['--model', model, '--task', 'sudoku', '--puzzle', PUZZLE, '--backend', 'cpu', '--steps', '2']);
    expect(r.err).not.toMatch(/DEP0137|Closing file descriptor/);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/config from .*all_config\.yaml/);
    expect(r.err).not.toMatch(/assumed/);
  });

  it('refuses an all_config.yaml far larger than any real one before reading it', { timeout: 120_000 }, () => {
    const yaml = path.join(tmp, 'big.yaml');
    writeFileSync(yaml, `arch:\n${'  k: 1\n'.repeat(300_000)}`);
    const r = solve(['--model', 'tests/fixtures/reference/sudoku-mlp-tiny/step_0', '--task', 'sudoku', '--puzzle', PUZZLE,
      '--backend', 'cpu', '--yaml', yaml]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/big\.yaml is \d+ bytes; at most \d+ are read/);
  });

  it('refuses a CSV line longer than any Sudoku row, naming the line', { timeout: 120_000 }, () => {
    const csv = path.join(tmp, 'long.csv');
    writeFileSync(csv, `puzzle,solution\n${PUZZLE},${PUZZLE}\n${'1'.repeat(5_000_000)}\n`);
    const r = solve(['--model', 'models/sudoku.safetensors', '--task', 'sudoku', '--csv', csv, '--backend', 'cpu']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/long\.csv, line 3: longer than 4096 characters/);
    expect(r.err.length).toBeLessThan(2000);
  });
});
