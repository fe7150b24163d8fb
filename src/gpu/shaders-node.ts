// Shader sources for Node (the tsx CLI, scripts, tests): reads shaders/*.wgsl from the repository.
// Node-only (fs); the browser build uses shaders-vite.ts instead.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ShaderSources } from './shaders';
import { shaderMapFromPaths } from './shaders';

export function shaderDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../shaders');
}

export function loadShaderSources(dir: string = shaderDir()): ShaderSources {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir)) if (f.endsWith('.wgsl')) files[f] = readFileSync(join(dir, f), 'utf8');
  return shaderMapFromPaths(files);
}
