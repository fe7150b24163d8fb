// Loading the golden fixtures (tests/fixtures) and the official reference (tests/fixtures/reference) for the
// engine tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelBundle } from '../../src/core/bundle';
import { loadAppModel } from '../../src/core/weights/app-format';
import { fixturesDir, flatTokens, readJson, type FixtureTrace } from '../unit/reference-helpers';

export interface LoadedFixture {
  dir: string;
  trace: FixtureTrace;
  bundle: ModelBundle;
  input: { tokens: Int32Array; puzzleIds: Int32Array };
}

export async function loadFixture(name: string): Promise<LoadedFixture> {
  const dir = path.join(fixturesDir, name);
  const trace = readJson<FixtureTrace>(path.join(dir, 'trace.json'));
  const bundle = await loadAppModel(new Uint8Array(readFileSync(path.join(dir, 'model.safetensors'))));
  return { dir, trace, bundle, input: { tokens: flatTokens(trace.inputs), puzzleIds: Int32Array.from(trace.puzzle_identifiers) } };
}
