// Public API of the WebGPU engine (DOM-free: it takes a GPUDevice, so it runs in a page, a worker and Node).
export { requestTrmDevice, describeAdapter, type TrmDevice } from './device';
export { WebGpuEngine, type WebGpuEngineOptions } from './engine';
export type { WeightStorage } from './weights';
export { WebGpuUnavailableError, GpuLimitError, GpuDeviceLostError, ShaderCompileError, EngineUsageError } from './errors';
export { SHADER_NAMES, type ShaderSources } from './shaders';
export { chooseMatmul, chooseAttention, type MatmulChoice, type MatmulPreference, type MatmulShape, type ComputeLimits } from './kernel-choice';
export { planBuffers, checkBufferPlan, type PlannedBuffer } from './plan';
