// Error classes of the WebGPU engine. Each message names the problem and what the caller can do about it.

/** No WebGPU at all (no navigator.gpu / no adapter). The page falls back to the CPU reference. */
export class WebGpuUnavailableError extends Error {
  constructor(detail: string) {
    super(`WebGPU is not available in this browser (${detail}); the CPU reference will be used. ` +
      'Use a browser with WebGPU enabled (Chrome/Edge 113+, or --enable-unsafe-webgpu) for the fast engine.');
    this.name = 'WebGpuUnavailableError';
  }
}

/** A buffer the model needs is larger than this adapter allows; raised before anything is allocated. */
export class GpuLimitError extends Error {
  readonly buffer: string;
  readonly bytes: number;
  readonly limit: number;
  constructor(buffer: string, bytes: number, limit: number, limitName: string, remedy: string) {
    super(`The GPU buffer "${buffer}" needs ${bytes} bytes (${(bytes / 2 ** 20).toFixed(1)} MiB) but this adapter's ` +
      `${limitName} is ${limit} bytes (${(limit / 2 ** 20).toFixed(1)} MiB). ${remedy}`);
    this.name = 'GpuLimitError';
    this.buffer = buffer;
    this.bytes = bytes;
    this.limit = limit;
  }
}

/** The GPU device was lost (driver reset, tab in background too long, out of memory). */
export class GpuDeviceLostError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(`The GPU device was lost (${reason}: ${message}). Create a new device and engine ` +
      '(requestTrmDevice + WebGpuEngine.create) and resume from the last carry (engine.lastCarry, or trace steps).');
    this.name = 'GpuDeviceLostError';
    this.reason = reason;
  }
}

/** A shader failed to compile or a pipeline failed to build: a bug in the engine, or an unsupported driver. */
export class ShaderCompileError extends Error {
  constructor(label: string, detail: string) {
    super(`WebGPU pipeline "${label}" failed to build: ${detail}. Update the browser/GPU driver; if it persists, ` +
      'report it and use the CPU engine meanwhile.');
    this.name = 'ShaderCompileError';
  }
}

export { EngineUsageError } from '../core/engine-errors';
