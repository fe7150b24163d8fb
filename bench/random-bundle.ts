// Random weights for timing runs, drawn like the official init (truncated normal, std 1/sqrt(fan_in);
// embeddings std 1/sqrt(hidden); H_init/L_init std 1 rounded to bf16 as in every checkpoint) so the
// activations have realistic magnitudes. Deterministic for a seed: the same bundle in Node and in the page.
import { expectedShapes, type TrmConfig } from '../src/core/config';
import type { ModelBundle, Tensor } from '../src/core/bundle';
import { bf16BitsToFloat, floatToBf16Bits } from '../src/core/weights/float16';
import { seededRandom } from '../src/core/random';


/** Normal(0, std) cut at ±2·std (resampled), via Box–Muller. */
function fillTruncatedNormal(out: Float32Array, std: number, uniform: () => number): void {
  for (let i = 0; i < out.length; i++) {
    let v: number;
    do v = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
    while (Math.abs(v) > 2);
    out[i] = v * std;
  }
}

function initStd(name: string, shape: number[], c: TrmConfig): number {
  if (name === 'H_init' || name === 'L_init') return 1;
  if (name.startsWith('embed_') || name === 'puzzle_emb.weights') return 1 / Math.sqrt(c.hidden_size);
  return 1 / Math.sqrt(shape[shape.length - 1]); // linear [out, in]: fan_in is the last axis
}

export function randomBundle(config: TrmConfig, seed = 1): ModelBundle {
  const uniform = seededRandom(seed);
  const tensors: Record<string, Tensor> = {};
  for (const [name, shape] of Object.entries(expectedShapes(config))) {
    const data = new Float32Array(shape.reduce((a, s) => a * s, 1));
    fillTruncatedNormal(data, initStd(name, shape, config), uniform);
    if (name === 'H_init' || name === 'L_init') for (let i = 0; i < data.length; i++) data[i] = bf16BitsToFloat(floatToBf16Bits(data[i]));
    tensors[name] = { shape, data };
  }
  return { config, tensors };
}

/** Random puzzle tokens (ids 1..vocab-1, no PAD) for every row, puzzle id 0 (Sudoku and Maze share one row). */
export function randomInput(config: TrmConfig, batch: number, seed = 2): { tokens: Int32Array; puzzleIds: Int32Array } {
  const uniform = seededRandom(seed);
  const tokens = new Int32Array(batch * config.seq_len);
  for (let i = 0; i < tokens.length; i++) tokens[i] = 1 + Math.floor(uniform() * (config.vocab_size - 1));
  return { tokens, puzzleIds: new Int32Array(batch) };
}
