// training/export.py --official writes step_N with all_config.yaml beside it (the official layout). The pair in
// tests/fixtures/official-export is that exporter's output for the maze6-mlp-h16 fixture (training/tests checks it
// is reproduced byte for byte); here it loads back through the torch reader with the config read from the file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAppModel } from '../../src/core/weights/app-format';
import { loadOfficialBundle } from '../../src/core/weights/torch';
import { openFileSource } from '../../src/core/weights/torch/node-source';
import { fixturesDir } from './reference-helpers';

const dir = path.join(fixturesDir, 'official-export');

/** Round a float32 to bfloat16 (nearest even), as the official checkpoints store H_init/L_init. */
function toBf16(x: Float32Array): Float32Array {
  const u = new Uint32Array(Float32Array.from(x).buffer);
  for (let i = 0; i < u.length; i++) u[i] = ((u[i] + 0x7fff + ((u[i] >>> 16) & 1)) >>> 16) << 16;
  return new Float32Array(u.buffer);
}

describe('an exported official step_N with its all_config.yaml', () => {
  it('loads with the config from the file, equal to the model it was exported from', async () => {
    const app = await loadAppModel(new Uint8Array(readFileSync(path.join(fixturesDir, 'maze6-mlp-h16', 'model.safetensors'))));
    const yaml = readFileSync(path.join(dir, 'all_config.yaml'), 'utf8');
    const source = await openFileSource(path.join(dir, 'step_0'));
    try {
      const bundle = await loadOfficialBundle(source, { yaml });
      expect(bundle.needsConfirmation).toBe(false);
      expect(bundle.assumed).toEqual([]);
      expect(bundle.config).toEqual(app.config);
      expect(Object.keys(bundle.tensors).sort()).toEqual(Object.keys(app.tensors).sort());
      for (const [name, t] of Object.entries(app.tensors)) {
        const want = name === 'H_init' || name === 'L_init' ? toBf16(t.data as Float32Array) : t.data;
        expect(bundle.tensors[name].shape, name).toEqual(t.shape);
        expect(Array.from(bundle.tensors[name].data), name).toEqual(Array.from(want));
      }
    } finally {
      await source.close();
    }
  });

  it('without the file, the same checkpoint needs confirmation (the config is then guessed)', async () => {
    const source = await openFileSource(path.join(dir, 'step_0'));
    try {
      const bundle = await loadOfficialBundle(source, { yaml: null, task: 'maze' });
      expect(bundle.needsConfirmation).toBe(true);
      expect(bundle.assumed.length).toBeGreaterThan(0);
    } finally {
      await source.close();
    }
  });
});
