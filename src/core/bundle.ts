// A model bundle: a validated config plus f32 tensors, whatever file it came from
// (our safetensors, an official `step_N`, or a test fixture). Engines consume only this.
import { configProblems, expectedShapes, type TrmConfig } from './config';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export interface ModelCard {
  name?: string;
  description?: string;
  trained_on?: string | Record<string, unknown>;
  command?: string;
  wall_time?: string;
  hardware?: string;
  accuracy?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ModelBundle {
  config: TrmConfig;
  tensors: Record<string, Tensor>;
  /** ARC: the name of each puzzle-embedding row (official `identifiers.json` names), when known. */
  puzzleNames?: string[];
  card?: ModelCard;
}

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

/** Throws a BundleError naming every problem: bad config, missing/extra/mis-shaped tensors, NaN weights. */
export function validateBundle(b: ModelBundle): ModelBundle {
  const problems = configProblems(b.config);
  if (problems.length) throw new BundleError(`Invalid model config: ${problems.join('; ')}`);
  const want = expectedShapes(b.config);
  const errors: string[] = [];
  for (const [key, shape] of Object.entries(want)) {
    const t = Object.hasOwn(b.tensors, key) ? b.tensors[key] : undefined;
    if (!t) {
      errors.push(`missing tensor ${key} [${shape.join(', ')}]`);
      continue;
    }
    if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i]))
      errors.push(`tensor ${key} has shape [${t.shape.join(', ')}] but the config needs [${shape.join(', ')}]`);
    else if (t.data.length !== shape.reduce((a, s) => a * s, 1))
      errors.push(`tensor ${key} holds ${t.data.length} values, its shape needs ${shape.reduce((a, s) => a * s, 1)}`);
  }
  for (const key of Object.keys(b.tensors)) if (!Object.hasOwn(want, key)) errors.push(`unexpected tensor ${key}`);
  if (errors.length) throw new BundleError(`Weights do not match the config: ${errors.join('; ')}`);
  for (const [key, t] of Object.entries(b.tensors)) {
    for (let i = 0; i < t.data.length; i++)
      if (!Number.isFinite(t.data[i])) throw new BundleError(`tensor ${key} holds a non-finite value (NaN or ±Inf) at index ${i}`);
  }
  return b;
}
