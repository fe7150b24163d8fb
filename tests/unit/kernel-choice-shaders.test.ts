// The shader map reaches the engine the same way in Vite (page, worker, vitest) and in Node (CLI): both
// must hold every shader the engine compiles, with the header comment each kernel file starts with.
import { describe, expect, it } from 'vitest';
import { missingShaders, SHADER_NAMES } from '../../src/gpu/shaders';
import { loadShaderSources } from '../../src/gpu/shaders-node';
import { shaderSources } from '../../src/gpu/shaders-vite';

describe('shader sources', () => {
  it('Vite and Node loaders give the same complete map', () => {
    const node = loadShaderSources();
    expect(missingShaders(shaderSources)).toEqual([]);
    expect(missingShaders(node)).toEqual([]);
    for (const name of SHADER_NAMES) expect(shaderSources[name]).toBe(node[name]);
  });

  it('every kernel file opens with a comment stating layouts, preconditions and workgroup size', () => {
    for (const name of SHADER_NAMES) {
      const head = shaderSources[name].split('\n').filter((l) => l.startsWith('//')).join('\n');
      expect(head, name).toMatch(/Layout/i);
      expect(head, name).toMatch(/Precondition/i);
      expect(head, name).toMatch(/Workgroup/i);
    }
  });
});
