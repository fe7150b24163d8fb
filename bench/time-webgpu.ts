// Times our WGSL engine (src/gpu). Until src/gpu/index.ts exports a working WebGpuEngine the column
// reports why it is empty.
import type { ShaderSources } from '../src/gpu/shaders';
import type { WebGpuTimer } from './run-case';

export async function makeWebGpuTimer(_shaders: ShaderSources, _gpu?: GPU): Promise<WebGpuTimer | { unavailable: string }> {
  return { unavailable: 'src/gpu/index.ts does not export WebGpuEngine yet' };
}
