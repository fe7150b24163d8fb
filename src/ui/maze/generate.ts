// A random "hard" maze: depth-first carving on the lattice of odd cells (14×14 on 30×30, coordinates 1, 3,
// …, 27, so rows/cols 28–29 stay wall as in the reference mazes), then S and G at the two ends of the longest
// path (two BFS sweeps). A smaller `side` carves only the top-left side×side of the 30×30 editor grid (for a
// model with a smaller canvas; the rest stays wall) and places S and G as that model's training data does.
import { MAZE_SIZE, type MazeText } from '../store/puzzles';

type Rng = () => number;

/** Breadth-first distances from `start` over open cells (-1 = unreachable). */
export function mazeDistances(grid: string[], start: number): Int32Array {
  const dist = new Int32Array(MAZE_SIZE * MAZE_SIZE).fill(-1);
  const queue = [start];
  dist[start] = 0;
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q];
    const r = Math.floor(i / MAZE_SIZE);
    const c = i % MAZE_SIZE;
    for (const [dr, dc] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      const rr = r + dr;
      const cc = c + dc;
      if (rr < 0 || cc < 0 || rr >= MAZE_SIZE || cc >= MAZE_SIZE) continue;
      const j = rr * MAZE_SIZE + cc;
      if (dist[j] < 0 && grid[j] !== '#') {
        dist[j] = dist[i] + 1;
        queue.push(j);
      }
    }
  }
  return dist;
}

function farthest(dist: Int32Array): number {
  let best = 0;
  for (let i = 1; i < dist.length; i++) if (dist[i] > dist[best]) best = i;
  return best;
}

export function generateMaze(rng: Rng = Math.random, side = MAZE_SIZE): MazeText {
  const cells = Math.max(2, Math.floor((side - 2) / 2)); // lattice cells per side (coordinates 1, 3, …)
  const grid = new Array<string>(MAZE_SIZE * MAZE_SIZE).fill('#');
  const at = (cr: number, cc: number) => (1 + 2 * cr) * MAZE_SIZE + 1 + 2 * cc;
  const seen = new Uint8Array(cells * cells);
  const stack: [number, number][] = [[Math.floor(rng() * cells), Math.floor(rng() * cells)]];
  seen[stack[0][0] * cells + stack[0][1]] = 1;
  grid[at(...stack[0])] = ' ';
  while (stack.length) {
    const [r, c] = stack[stack.length - 1];
    const next = ([[1, 0], [-1, 0], [0, 1], [0, -1]] as const)
      .map(([dr, dc]) => [r + dr, c + dc] as [number, number])
      .filter(([rr, cc]) => rr >= 0 && cc >= 0 && rr < cells && cc < cells && !seen[rr * cells + cc]);
    if (!next.length) {
      stack.pop();
      continue;
    }
    const [rr, cc] = next[Math.floor(rng() * next.length)];
    seen[rr * cells + cc] = 1;
    grid[at(rr, cc)] = ' ';
    grid[(at(r, c) + at(rr, cc)) / 2] = ' '; // the wall between two lattice cells
    stack.push([rr, cc]);
  }
  if (side < MAZE_SIZE) {
    // Like the small-maze training data (training/data/build_maze.py --size): S anywhere, G at a random cell
    // more than a random 8–24 steps away, not at the far end of the longest path.
    const open = grid.flatMap((ch, i) => (ch === ' ' ? [i] : []));
    const s = open[Math.floor(rng() * open.length)];
    const dist = mazeDistances(grid, s);
    const far = Math.min(8 + Math.floor(rng() * 17), dist[farthest(dist)] - 1);
    const goals = open.filter((i) => i !== s && dist[i] > far);
    grid[s] = 'S';
    grid[goals[Math.floor(rng() * goals.length)]] = 'G';
    return grid.join('');
  }
  const a = farthest(mazeDistances(grid, at(0, 0)));
  const b = farthest(mazeDistances(grid, a));
  grid[a] = 'S';
  grid[b] = 'G';
  return grid.join('');
}
