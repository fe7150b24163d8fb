// Random Sudoku with exactly one solution: a random full grid (the exact solver fills a shuffled seed),
// then clues are removed in random order while the solution stays unique.
import { solveSudoku, rateSudoku } from '../../core/tasks/sudoku';

export type Rng = () => number;

function shuffle<T>(a: T[], rng: Rng): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** A full valid grid: the first row and column are random, the solver completes it, digits are relabelled. */
function randomSolvedGrid(rng: Rng): number[] {
  const seed = new Array(81).fill(0);
  shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9], rng).forEach((d, c) => (seed[c] = d));
  const [full] = solveSudoku(seed, 1);
  const relabel = [0, ...shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9], rng)];
  // Shuffle rows inside each band and the bands themselves: still a valid grid, less solver-ordered.
  const bands = shuffle([0, 1, 2], rng);
  const rows = bands.flatMap((b) => shuffle([0, 1, 2], rng).map((r) => b * 3 + r));
  const out: number[] = [];
  for (const r of rows) for (let c = 0; c < 9; c++) out.push(relabel[full[r * 9 + c]]);
  return out;
}

/**
 * A proper puzzle. 'easy' keeps about 36 clues; 'hard' removes clues until none can go, then keeps the
 * attempt the exact solver needed the most guesses for (of a few tries).
 */
export function generateSudoku(level: 'easy' | 'hard', rng: Rng = Math.random): number[] {
  const tries = level === 'hard' ? 3 : 1;
  let best: number[] = [];
  let bestGuesses = -1;
  for (let t = 0; t < tries; t++) {
    const grid = randomSolvedGrid(rng);
    const minClues = level === 'easy' ? 36 : 17;
    let clues = 81;
    for (const i of shuffle(Array.from({ length: 81 }, (_, k) => k), rng)) {
      if (clues <= minClues) break;
      const v = grid[i];
      grid[i] = 0;
      if (solveSudoku(grid, 2).length !== 1) grid[i] = v;
      else clues--;
    }
    const { guesses } = rateSudoku(grid);
    if (guesses > bestGuesses) {
      best = grid;
      bestGuesses = guesses;
    }
  }
  return best;
}
