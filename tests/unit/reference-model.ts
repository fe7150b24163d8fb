// A tiny random TRM for tests of the reference's mechanics (batching, carry, cancel, early halt):
// deterministic weights from a seeded generator, every tensor expectedShapes asks for.
import { validateBundle, type ModelBundle, type Tensor } from '../../src/core/bundle';
import { expectedShapes, type TrmConfig } from '../../src/core/config';
import { seededRandom } from '../../src/core/random';

export { seededRandom };


export function tinyConfig(overrides: Partial<TrmConfig> = {}): TrmConfig {
  return {
    task: 'sudoku',
    hidden_size: 8,
    num_heads: 2,
    expansion: 4,
    L_layers: 2,
    L_cycles: 2,
    H_cycles: 2,
    halt_max_steps: 16,
    mlp_t: false,
    pos_encodings: 'rope',
    seq_len: 6,
    vocab_size: 5,
    puzzle_emb_len: 2,
    puzzle_emb_ndim: 8,
    num_puzzle_identifiers: 3,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    ...overrides,
  };
}

/** Uniform weights scaled by 1/sqrt(fan-in) (so activations stay O(1)); q_head.bias as given. */
export function tinyBundle(config: TrmConfig = tinyConfig(), seed = 1, qBias: [number, number] = [0, 0]): ModelBundle {
  const rand = seededRandom(seed);
  const tensors: Record<string, Tensor> = {};
  for (const [key, shape] of Object.entries(expectedShapes(config))) {
    const n = shape.reduce((a, s) => a * s, 1);
    const fanIn = shape.length > 1 ? shape[shape.length - 1] : 1;
    const scale = key.endsWith('_init') || key.startsWith('embed') ? 1 : Math.sqrt(3 / fanIn);
    tensors[key] = { shape, data: Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale) };
  }
  tensors['q_head.bias'].data.set(qBias);
  return validateBundle({ config, tensors });
}
