import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BundleError, type ModelBundle, type Tensor } from '../../src/core/bundle';
import { expectedShapes, type TrmConfig } from '../../src/core/config';
import { AppFormatError, loadAppModel, saveAppModel } from '../../src/core/weights/app-format';
import { readSafetensors, SafetensorsError, writeSafetensors } from '../../src/core/weights/safetensors';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const tinyMlp: TrmConfig = {
  task: 'sudoku', hidden_size: 8, num_heads: 2, expansion: 4, L_layers: 2, L_cycles: 2, H_cycles: 2, halt_max_steps: 16,
  mlp_t: true, pos_encodings: 'none', seq_len: 16, vocab_size: 6, puzzle_emb_len: 16, puzzle_emb_ndim: 8,
  num_puzzle_identifiers: 1, rms_norm_eps: 1e-5, rope_theta: 10000,
};
const tinyArc: TrmConfig = {
  ...tinyMlp, task: 'arc', mlp_t: false, pos_encodings: 'rope', seq_len: 900, vocab_size: 12, num_puzzle_identifiers: 3,
};

/** Deterministic pseudo-random weights (a small LCG), so tests need no fixtures. */
function randomBundle(config: TrmConfig, seed = 1): ModelBundle {
  let s = seed;
  const next = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const tensors: Record<string, Tensor> = {};
  for (const [name, shape] of Object.entries(expectedShapes(config)))
    tensors[name] = { shape, data: Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, next) };
  return { config, tensors };
}

/** Same names, shapes and bit-identical values (a byte compare: far faster than a deep equal on big arrays). */
function expectSameTensors(a: Record<string, Tensor>, b: Record<string, Tensor>): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const [name, t] of Object.entries(a)) {
    expect(b[name].shape, name).toEqual(t.shape);
    const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    expect(bytes(b[name].data).equals(bytes(t.data)), `${name} values differ`).toBe(true);
  }
}

/** Rewrites a good file's metadata or tensors (our writer does not enforce the app format). */
function tamper(bytes: Uint8Array, edit: (m: Record<string, string>, t: Record<string, Tensor>) => void): Uint8Array<ArrayBuffer> {
  const { metadata, tensors } = readSafetensors(bytes);
  edit(metadata, tensors);
  return writeSafetensors(tensors, metadata);
}

describe('app format round trip', () => {
  it('saves and loads a bundle exactly: config, tensors, token map, puzzle names, card', async () => {
    const bundle = { ...randomBundle(tinyArc), puzzleNames: ['<blank>', 'a416b8f3', 'a416b8f3|||t1|||0123456789'], card: { name: 'tiny', accuracy: { exact: 0.5 } } };
    const bytes = saveAppModel(bundle);
    const meta = readSafetensors(bytes).metadata;
    expect(meta.format).toBe('trm-safetensors');
    expect(meta.format_version).toBe('1');
    expect(JSON.parse(meta.token_map)).toEqual(['PAD', 'EOS', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const source of [bytes, new Blob([bytes])]) {
      const loaded = await loadAppModel(source);
      expect(loaded.config).toEqual(tinyArc);
      expectSameTensors(loaded.tensors, bundle.tensors);
      expect(loaded.puzzleNames).toEqual(bundle.puzzleNames);
      expect(loaded.card).toEqual(bundle.card);
      expect(loaded.tokenMap).toHaveLength(12);
    }
  });
  it('writes a smaller Sudoku with PAD, blank, 1..k and F16 on request, reporting progress', async () => {
    const bundle = randomBundle(tinyMlp);
    const bytes = saveAppModel(bundle, { dtype: 'F16', card: { name: 'half' } });
    const progress: number[] = [];
    const loaded = await loadAppModel(bytes, { onProgress: (done, total) => progress.push(done / total) });
    expect(loaded.tokenMap).toEqual(['PAD', 'blank', '1', '2', '3', '4']);
    expect(progress[progress.length - 1]).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const w = 'L_level.layers.0.mlp.down_proj.weight';
    const maxErr = bundle.tensors[w].data.reduce((m, v, i) => Math.max(m, Math.abs(v - loaded.tensors[w].data[i])), 0);
    expect(maxErr).toBeLessThanOrEqual(2 ** -11); // |w| < 1: half a unit in the last place of F16
    expect(maxErr).toBeGreaterThan(0);
  });
  it('refuses to save a bundle that does not match its config, or a token map of the wrong size', () => {
    const bundle = randomBundle(tinyMlp);
    delete bundle.tensors['q_head.bias'];
    expect(() => saveAppModel(bundle)).toThrow(BundleError);
    expect(() => saveAppModel(randomBundle(tinyMlp), { tokenMap: ['PAD'] })).toThrow('token_map has 1 entries but the config\'s vocab_size is 6');
  });
});

describe('app format rejects bad files, naming the problem', () => {
  const good = saveAppModel(randomBundle(tinyMlp));
  const rejects = async (bytes: Uint8Array<ArrayBuffer>, kind: new (m: string) => Error, message: string | RegExp) => {
    await expect(loadAppModel(bytes)).rejects.toThrow(kind);
    await expect(loadAppModel(new Blob([bytes]))).rejects.toThrow(message);
  };

  it('a truncated file', () => rejects(good.slice(0, good.length - 100), SafetensorsError, /the file is truncated/));
  it('a header that lies about sizes', async () => {
    const bytes = good.slice();
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    const lied = text.replace('"shape":[2]', '"shape":[3]'); // q_head.bias claims 3 values in 8 bytes
    expect(lied).not.toBe(text);
    bytes.set(new TextEncoder().encode(lied), 8);
    await rejects(bytes, SafetensorsError, 'tensor q_head.bias: F32 [3] needs 12 bytes but data_offsets');
  });
  it('a tensor with an integer dtype', async () => {
    const bytes = good.slice();
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    const i32 = text.replace(/("q_head\.bias":\{"dtype":)"F32"/, '$1"I32"');
    expect(i32).not.toBe(text);
    bytes.set(new TextEncoder().encode(i32), 8);
    await rejects(bytes, SafetensorsError, 'tensor q_head.bias has dtype I32; model weights must be F32, F16 or BF16');
  });
  it('a config that disagrees with the tensors', () =>
    rejects(
      tamper(good, (m) => (m.config = JSON.stringify({ ...tinyMlp, hidden_size: 16 }))),
      BundleError,
      /Weights do not match the config: tensor H_init has shape \[8\] but the config needs \[16\]/,
    ));
  it('a missing or an extra tensor', async () => {
    await rejects(tamper(good, (_, t) => delete t['lm_head.weight']), BundleError, /missing tensor lm_head.weight \[6, 8\]/);
    await rejects(tamper(good, (_, t) => (t.extra = { shape: [1], data: Float32Array.of(1) })), BundleError, /unexpected tensor extra/);
  });
  it('NaN or infinite weights', async () => {
    await rejects(tamper(good, (_, t) => (t['q_head.weight'].data[5] = NaN)), BundleError, 'tensor q_head.weight holds a non-finite value (NaN or ±Inf) at index 5');
    await rejects(tamper(good, (_, t) => (t.L_init.data[0] = -Infinity)), BundleError, /tensor L_init holds a non-finite value/);
  });
  it('missing, wrong or malformed metadata', async () => {
    await rejects(tamper(good, (m) => delete m.format), AppFormatError, /no "format" metadata; it is not a trm-safetensors model/);
    await rejects(tamper(good, (m) => (m.format = 'gguf')), AppFormatError, 'metadata format is "gguf", expected "trm-safetensors"');
    await rejects(tamper(good, (m) => (m.format_version = '2')), AppFormatError, 'format_version "2" is not supported');
    await rejects(tamper(good, (m) => delete m.config), AppFormatError, 'metadata has no "config"');
    await rejects(tamper(good, (m) => (m.config = '{"task": "sudoku",')), AppFormatError, /metadata "config" is not valid JSON/);
    await rejects(tamper(good, (m) => (m.config = JSON.stringify({ ...tinyMlp, L_cycle: 3 }))), AppFormatError, 'config has unknown field(s) L_cycle');
    const { L_cycles: _omit, ...noCycles } = tinyMlp;
    await rejects(tamper(good, (m) => (m.config = JSON.stringify(noCycles))), AppFormatError, 'config lacks L_cycles');
    await rejects(tamper(good, (m) => (m.config = JSON.stringify({ ...tinyMlp, mlp_t: 'yes' }))), AppFormatError, 'config mlp_t is "yes"; it must be true or false');
    await rejects(tamper(good, (m) => (m.config = JSON.stringify({ ...tinyMlp, task: 'chess' }))), AppFormatError, /config task is "chess"/);
    await rejects(tamper(good, (m) => (m.config = JSON.stringify({ ...tinyMlp, num_heads: 0 }))), BundleError, /Invalid model config/);
    await rejects(tamper(good, (m) => delete m.token_map), AppFormatError, 'metadata has no "token_map"');
    await rejects(tamper(good, (m) => (m.token_map = '["PAD"]')), AppFormatError, /token_map has 1 entries/);
    await rejects(tamper(good, (m) => (m.token_map = '["PAD","blank","a","b","c","d"]')), AppFormatError, /differs from the sudoku encoding/);
    await rejects(tamper(good, (m) => (m.puzzle_names = '["a","b"]')), AppFormatError, 'puzzle_names has 2 entries but num_puzzle_identifiers is 1');
    await rejects(tamper(good, (m) => (m.card = '[1]')), AppFormatError, 'metadata "card" must be a JSON object');
  });
  it('fills the official defaults for omitted expansion, eps and theta', async () => {
    const { expansion: _e, rms_norm_eps: _r, rope_theta: _t, ...partial } = tinyMlp;
    const loaded = await loadAppModel(tamper(good, (m) => (m.config = JSON.stringify(partial))));
    expect(loaded.config).toEqual(tinyMlp);
  });
});

// Golden fixtures written by Python's safetensors (training/make_fixtures.py). Found by glob: whenever the
// folder holds fixtures, each is loaded; none is skipped.
const fixturesDir = path.join(repoRoot, 'tests/fixtures');
const fixtureNames = existsSync(fixturesDir)
  ? readdirSync(fixturesDir).filter((d) => existsSync(path.join(fixturesDir, d, 'model.safetensors'))).sort()
  : [];

describe('golden fixtures written by Python', () => {
  it('finds the models whenever the fixture folder has any', () => {
    const folders = existsSync(fixturesDir) ? readdirSync(fixturesDir, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
    if (folders.length) expect(fixtureNames.length).toBeGreaterThan(0);
  });
  for (const name of fixtureNames)
    it(`loads ${name}: config as in its trace, valid tensors, identical after our save and reload`, async () => {
      const bytes = new Uint8Array(readFileSync(path.join(fixturesDir, name, 'model.safetensors')));
      const model = await loadAppModel(new Blob([bytes]));
      const tracePath = path.join(fixturesDir, name, 'trace.json');
      if (existsSync(tracePath)) {
        const trace = JSON.parse(readFileSync(tracePath, 'utf8')) as { config: TrmConfig };
        expect(model.config).toEqual(trace.config);
      }
      expect(model.card?.name).toBe(name);
      const again = await loadAppModel(saveAppModel(model, { tokenMap: model.tokenMap }));
      expectSameTensors(again.tensors, model.tensors);
      expect(again.config).toEqual(model.config);
    });
});
