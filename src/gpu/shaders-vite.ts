// Shader sources for the page, the worker and vitest: Vite inlines every shaders/*.wgsl as a string.
import { shaderMapFromPaths, type ShaderSources } from './shaders';

const files = import.meta.glob('../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export const shaderSources: ShaderSources = shaderMapFromPaths(files);
