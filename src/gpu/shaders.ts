// Shader text reaches the engine as a plain map (file base name → WGSL), so the engine itself needs
// neither a bundler nor the file system: shaders-vite.ts builds the map in the page/worker/vitest,
// shaders-node.ts in Node (CLI, scripts).

export type ShaderSources = Record<string, string>;

/** Every shader file the engine compiles (shaders/<name>.wgsl). */
export const SHADER_NAMES = ['embed', 'state', 'matmul', 'matmul_vec4', 'rmsnorm', 'attention', 'heads'] as const;
export type ShaderName = (typeof SHADER_NAMES)[number];

/** Turns `{ '../../shaders/matmul.wgsl': text }` into `{ matmul: text }`. */
export function shaderMapFromPaths(files: Record<string, string>): ShaderSources {
  const out: ShaderSources = {};
  for (const [path, text] of Object.entries(files)) {
    const base = path.split('/').pop()!.replace(/\.wgsl$/, '');
    out[base] = text;
  }
  return out;
}

export function missingShaders(sources: ShaderSources): string[] {
  return SHADER_NAMES.filter((n) => typeof sources[n] !== 'string' || sources[n].length === 0);
}
