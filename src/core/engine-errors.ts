// The error both engines (CPU reference and WebGPU) throw when they are used wrongly, so that callers
// (the worker, the CLI, tests) handle one class whichever engine runs.

/** The engine was used wrongly (wrong batch size, disposed engine, bad tokens, bad carry or steps). */
export class EngineUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUsageError';
  }
}
