// Bundles the public ARC tasks (datasets/arc, Kaggle format) into compact files for the app's gallery:
// public/arc/<set>.json = { set, tasks: { <id>: { train: [[in, out], …], test: [[in, out?], …] } } } with each grid
// written as rows of digit strings ("0120"), plus public/arc/index.json and the licence notices.
// Usage: npx tsx scripts/build-arc-gallery.ts [source folder, default datasets/arc]
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.resolve(repoRoot, process.argv[2] ?? 'datasets/arc');
const out = path.join(repoRoot, 'public/arc');
const SETS = [
  { id: 'training', label: 'ARC-AGI-1 training' },
  { id: 'evaluation', label: 'ARC-AGI-1 evaluation' },
  { id: 'concept', label: 'ConceptARC' },
  { id: 'training2', label: 'ARC-AGI-2 training' },
  { id: 'evaluation2', label: 'ARC-AGI-2 evaluation' },
];
const LIMIT = 3 * 1024 * 1024;

type Grid = number[][];
const rows = (g: Grid) => g.map((r) => r.join(''));

mkdirSync(out, { recursive: true });
const index: { id: string; label: string; file: string; tasks: number; bytes: number }[] = [];
for (const set of SETS) {
  const challenges = JSON.parse(readFileSync(path.join(source, `arc-agi_${set.id}_challenges.json`), 'utf8')) as Record<
    string,
    { train: { input: Grid; output: Grid }[]; test: { input: Grid }[] }
  >;
  const solutions = JSON.parse(readFileSync(path.join(source, `arc-agi_${set.id}_solutions.json`), 'utf8')) as Record<string, Grid[]>;
  const tasks: Record<string, { train: string[][][]; test: string[][][] }> = {};
  for (const [id, t] of Object.entries(challenges)) {
    tasks[id] = {
      train: t.train.map((p) => [rows(p.input), rows(p.output)]),
      test: t.test.map((p, k) => (solutions[id]?.[k] ? [rows(p.input), rows(solutions[id][k])] : [rows(p.input)])),
    };
  }
  const file = `${set.id}.json`;
  const text = JSON.stringify({ set: set.id, label: set.label, tasks });
  if (text.length > LIMIT) throw new Error(`${file} would be ${text.length} bytes, over the ${LIMIT}-byte limit`);
  writeFileSync(path.join(out, file), text);
  index.push({ id: set.id, label: set.label, file, tasks: Object.keys(tasks).length, bytes: text.length });
}
writeFileSync(path.join(out, 'index.json'), JSON.stringify({ sets: index }, null, 1) + '\n');
const copy = (from: string, to: string) => writeFileSync(to, readFileSync(from)); // copies keep no read-only mode
copy(path.join(source, 'README.md'), path.join(out, 'README.md'));
mkdirSync(path.join(out, 'licenses'), { recursive: true });
for (const f of readdirSync(path.join(source, 'licenses'))) copy(path.join(source, 'licenses', f), path.join(out, 'licenses', f));
for (const s of index) console.log(`${s.file}: ${s.tasks} tasks, ${(statSync(path.join(out, s.file)).size / 1e6).toFixed(2)} MB`);
