// A clone stands on its own: no tracked file reads a folder beside the repo, and what the tests and commands
// read (official reference fixtures, benchmark files, ARC tasks, the model specification) is in the repo.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './reference-helpers';

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
  .split('\0')
  .filter((f) => f.length > 0);

// Written in pieces so that this file does not match itself.
const sibling = ['..', 'shared'].join('/');
const outside = new RegExp(
  [
    sibling.replace(/[./]/g, '\\$&'), // the sibling folder in a path or a comment
    String.raw`/\s*["']shared["']`, // Path(...).parent / "shared"
    String.raw`["']\.\.["']\s*,\s*["']shared["']`, // path.join('..', 'shared')
  ].join('|'),
);
const self = 'tests/unit/standalone.test.ts';
const text = /\.(ts|tsx|js|mjs|cjs|py|sh|md|json|ya?ml|toml|html|css|wgsl|txt)$|(^|\/)(run|Dockerfile)$/;

describe('the repository stands alone', () => {
  it('no tracked text file refers to a folder beside the repo', () => {
    const offenders: string[] = [];
    for (const file of tracked) {
      if (!text.test(file) || file === self) continue;
      const body = readFileSync(path.join(repoRoot, file), 'utf8');
      const lines = body.split('\n');
      lines.forEach((line, i) => {
        if (outside.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('the pattern would catch the forms that were used before', () => {
    for (const line of [
      `const r = path.resolve(repoRoot, '${sibling}/reference');`,
      `ARC_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "arc"`,
      `X = REPO_ROOT.parent / "shared" / "benchmarks"`,
      `path.join(root, '..', 'shared')`,
    ]) {
      expect(outside.test(line), line).toBe(true);
    }
  });

  it('what the tests and commands read is tracked in the repo', () => {
    const must = [
      'docs/spec.md',
      'tests/fixtures/reference/README.md',
      ...['sudoku-mlp-tiny', 'maze-att-tiny', 'arc-att-tiny'].flatMap((n) =>
        ['step_0', 'all_config.yaml', 'io.json', 'carries.f32'].map((f) => `tests/fixtures/reference/${n}/${f}`),
      ),
      'datasets/benchmarks/sudoku/README.md',
      'datasets/benchmarks/sudoku/tdoku.LICENSE',
      'datasets/arc/README.md',
      'datasets/arc/arc-agi_training_challenges.json',
      'datasets/arc/arc-agi_evaluation_challenges.json',
      'datasets/arc/licenses/ARC-AGI-1.LICENSE',
    ];
    const set = new Set(tracked);
    expect(must.filter((f) => !set.has(f) || !existsSync(path.join(repoRoot, f)))).toEqual([]);
  });

  it('every spec reference names docs/spec.md', () => {
    const bare: string[] = [];
    for (const file of tracked) {
      if (!text.test(file) || file === 'docs/spec.md' || file === self) continue;
      readFileSync(path.join(repoRoot, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/(^|[^/.\w])spec §/.test(line) || /trm-spec\.md/.test(line)) bare.push(`${file}:${i + 1}`);
        });
    }
    expect(bare).toEqual([]);
  });
});
