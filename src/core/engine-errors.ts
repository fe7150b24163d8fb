// The error both engines (CPU reference and WebGPU) throw when they are used wrongly, so that callers
// (the worker, the CLI, tests) handle one class whichever engine runs.

/** The engine was used wrongly (wrong batch size, disposed engine, bad tokens, bad carry or steps). */
export class EngineUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUsageError';
  }
}

/** A supervision step's outputs are not finite: the weights are broken or too large for float32 arithmetic. */
export class NonFiniteOutputError extends Error {
  constructor(readonly step: number) {
    super(
      `The model's outputs at supervision step ${step} are not finite numbers (NaN or ±Infinity): its weights are ` +
        'broken or too large for float32. The solve was stopped; load another model.',
    );
    this.name = 'NonFiniteOutputError';
  }
}
