// Mazes: text ⇄ grid ⇄ official tokens (docs/spec.md §3.2: CHARSET "# SGo" → 1..5, PAD 0, row-major), the path
// checker and a breadth-first shortest path. The official mazes are 30×30; a model may read a smaller
// square canvas (side² tokens), and a maze is fitted to it by padding or cropping walls (fitMazeToCanvas).
import { TaskInputError } from './errors';

export type MazeCell = '#' | ' ' | 'S' | 'G' | 'o';
/** A square of rows (30×30 for the official mazes): wall `#`, open ` `, start `S`, goal `G`, path `o`. */
export type MazeGrid = MazeCell[][];

/** The official maze side, and the largest canvas a maze model may have. */
export const MAZE_SIZE = 30;
/** The smallest maze side the codec accepts. */
export const MAZE_MIN_SIZE = 4;
/** The official builder's CHARSET: character k has token id k+1. */
export const MAZE_CHARSET = '# SGo';

const at = (r: number, c: number) => `row ${r + 1}, column ${c + 1}`;

function isMazeCell(ch: string): ch is MazeCell {
  return ch.length === 1 && MAZE_CHARSET.includes(ch);
}

/**
 * The side of a maze model's square canvas (side² tokens, MAZE_MIN_SIZE..30), or null when `seqLen` is
 * not one: 900 for the official 30×30.
 */
export function mazeCanvasOf(seqLen: number): number | null {
  const side = Math.round(Math.sqrt(seqLen));
  return side >= MAZE_MIN_SIZE && side <= MAZE_SIZE && side * side === seqLen ? side : null;
}

function assertSide(side: number, what: string): void {
  if (side < MAZE_MIN_SIZE || side > MAZE_SIZE)
    throw new TaskInputError(`${what} needs ${MAZE_MIN_SIZE} to ${MAZE_SIZE} rows (30 for the official mazes), got ${side}`);
}

/**
 * Reads a square maze, as many lines as characters per line (30 lines of 30 for the official mazes), from
 * `# SGo` with exactly one S and one G (a trailing newline and Windows line ends are fine). Throws a
 * TaskInputError naming the row/column of the first problem.
 */
export function parseMaze(text: string): MazeGrid {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const side = lines.length;
  assertSide(side, 'Maze');
  const grid: MazeGrid = lines.map((line, r) => {
    const chars = [...line];
    if (chars.length !== side)
      throw new TaskInputError(
        `Maze row ${r + 1} has ${chars.length} characters; a maze of ${side} lines needs ${side} in every row (keep trailing spaces)`,
      );
    return chars.map((ch, c) => {
      if (!isMazeCell(ch))
        throw new TaskInputError(`Maze: unexpected character ${JSON.stringify(ch)} at ${at(r, c)}; use # (wall), space (open), S, G or o (path)`);
      return ch;
    });
  });
  assertMazeEnds(grid);
  return grid;
}

function findCells(grid: MazeGrid, cell: MazeCell): [number, number][] {
  const found: [number, number][] = [];
  grid.forEach((row, r) => row.forEach((ch, c) => ch === cell && found.push([r, c])));
  return found;
}

function assertMazeEnds(grid: MazeGrid): void {
  for (const [cell, name] of [['S', 'start'], ['G', 'goal']] as const) {
    const found = findCells(grid, cell);
    if (found.length === 0) throw new TaskInputError(`Maze has no ${cell} (${name}) cell`);
    if (found.length > 1)
      throw new TaskInputError(`Maze has ${found.length} ${cell} (${name}) cells, at ${found.map(([r, c]) => at(r, c)).join(' and ')}; it needs exactly one`);
  }
}

/** Throws unless `grid` is a square of MAZE_MIN_SIZE..30 rows (of `side` rows when given) with cells from `# SGo`. */
export function assertMazeShape(grid: readonly (readonly string[])[], what = 'Maze', side?: number): void {
  if (side !== undefined && grid.length !== side) throw new TaskInputError(`${what} needs ${side} rows, got ${grid.length}`);
  assertSide(grid.length, what);
  grid.forEach((row, r) => {
    if (row.length !== grid.length) throw new TaskInputError(`${what} row ${r + 1} has ${row.length} cells; it needs ${grid.length}`);
    row.forEach((ch, c) => {
      if (!isMazeCell(ch)) throw new TaskInputError(`${what}: cell at ${at(r, c)} is ${JSON.stringify(ch)}; cells are one of "# SGo"`);
    });
  });
}

/** The rows joined by `\n` (no trailing newline); parseMaze reads it back. */
export function formatMaze(grid: MazeGrid): string {
  assertMazeShape(grid);
  return grid.map((row) => row.join('')).join('\n');
}

/** Official tokens: `#`→1, ` `→2, `S`→3, `G`→4, `o`→5, row-major (side² of them). */
export function encodeMaze(grid: MazeGrid): Int32Array {
  assertMazeShape(grid);
  const n = grid.length;
  const tokens = new Int32Array(n * n);
  grid.forEach((row, r) => row.forEach((ch, c) => (tokens[r * n + c] = MAZE_CHARSET.indexOf(ch) + 1)));
  return tokens;
}

/**
 * The maze on a model's `side`×`side` canvas, top-left aligned: a smaller maze is padded with walls, a
 * larger one cropped, which is allowed only where every cropped cell is a wall (walls change no route).
 * Throws a TaskInputError naming the first cell that does not fit, and the remedy.
 */
export function fitMazeToCanvas(grid: MazeGrid, side: number): MazeGrid {
  assertMazeShape(grid);
  assertSide(side, 'A maze canvas');
  const n = grid.length;
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++)
      if ((r >= side || c >= side) && grid[r][c] !== '#')
        throw new TaskInputError(
          `The model reads ${side}×${side} mazes, but this one has ${grid[r][c] === ' ' ? 'an open cell' : JSON.stringify(grid[r][c])} at ${at(r, c)}, outside its top-left ${side}×${side}: draw the maze inside that square (the rest walls) or load a model with a larger canvas (the official one is 30×30).`,
        );
  return Array.from({ length: side }, (_, r) => Array.from({ length: side }, (_, c) => (r < n && c < n ? grid[r][c] : '#')));
}

/** The maze fitted to a model that reads `seqLen` tokens per puzzle (fitMazeToCanvas on its canvas). */
export function mazeForModel(grid: MazeGrid, seqLen: number): MazeGrid {
  const side = mazeCanvasOf(seqLen);
  if (side === null)
    throw new TaskInputError(`The model reads ${seqLen} cells per puzzle, not a square maze canvas (900 for 30×30)`);
  return fitMazeToCanvas(grid, side);
}

/**
 * Tokens (side² of them) → grid. PAD (0) never occurs in a maze; a model that predicts it gets an open
 * cell, so the path checker reports the gap or the overwritten wall rather than the decoder throwing.
 */
export function decodeMaze(tokens: ArrayLike<number>): MazeGrid {
  const n = mazeCanvasOf(tokens.length);
  if (n === null)
    throw new TaskInputError(`Maze needs a square of tokens (900 for 30×30, at least ${MAZE_MIN_SIZE ** 2}), got ${tokens.length}`);
  const grid: MazeGrid = [];
  for (let r = 0; r < n; r++) {
    const row: MazeCell[] = [];
    for (let c = 0; c < n; c++) {
      const t = tokens[r * n + c];
      if (!Number.isInteger(t) || t < 0 || t > MAZE_CHARSET.length)
        throw new TaskInputError(`Maze token at ${at(r, c)} is ${t}; maze tokens are 0..5`);
      row.push(t === 0 ? ' ' : (MAZE_CHARSET[t - 1] as MazeCell));
    }
    grid.push(row);
  }
  return grid;
}

const STEPS: readonly [number, number][] = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];

function neighbours(r: number, c: number, n: number): [number, number][] {
  return STEPS.map(([dr, dc]) => [r + dr, c + dc] as [number, number]).filter(
    ([nr, nc]) => nr >= 0 && nr < n && nc >= 0 && nc < n,
  );
}

/**
 * A shortest route from S to G through non-wall cells (breadth-first), as [row, col] cells from S to G
 * inclusive, or null when G cannot be reached.
 */
export function shortestPath(maze: MazeGrid): [number, number][] | null {
  assertMazeShape(maze);
  assertMazeEnds(maze);
  const n = maze.length;
  const [start] = findCells(maze, 'S');
  const from = new Int32Array(n * n).fill(-1);
  const startIdx = start[0] * n + start[1];
  from[startIdx] = startIdx;
  const queue = [startIdx];
  for (let head = 0; head < queue.length; head++) {
    const idx = queue[head];
    const r = Math.floor(idx / n);
    const c = idx % n;
    if (maze[r][c] === 'G') {
      const path: [number, number][] = [];
      for (let k = idx; ; k = from[k]) {
        path.push([Math.floor(k / n), k % n]);
        if (k === startIdx) break;
      }
      return path.reverse();
    }
    for (const [nr, nc] of neighbours(r, c, n)) {
      const k = nr * n + nc;
      if (from[k] >= 0 || maze[nr][nc] === '#') continue;
      from[k] = idx;
      queue.push(k);
    }
  }
  return null;
}

/** The maze with a shortest S→G route marked `o` (the official label layout), or null when unreachable. */
export function solveMaze(maze: MazeGrid): MazeGrid | null {
  const path = shortestPath(maze);
  if (!path) return null;
  const solved: MazeGrid = maze.map((row) => row.map((ch) => (ch === 'o' ? ' ' : ch)));
  for (const [r, c] of path.slice(1, -1)) solved[r][c] = 'o';
  return solved;
}

export interface MazePathCheck {
  valid: boolean; // the `o` cells form one simple route S→G over open cells, nothing else changed
  length: number; // number of `o` cells
  optimal: boolean; // valid and as short as a shortest route
  problems: string[]; // plain-language reasons it is not valid (at most MAX_PROBLEMS, then a count)
}

const MAX_PROBLEMS = 12;

/**
 * Checks a predicted path: walls, S and G unchanged, `o` only on open cells, and the `o` cells together
 * with S and G form a single chain (S and G each touch exactly one route cell, every `o` touches exactly
 * two), which is what a shortest-path label looks like.
 */
export function checkMazePath(maze: MazeGrid, answer: MazeGrid): MazePathCheck {
  assertMazeShape(maze, 'Maze');
  assertMazeEnds(maze);
  const n = maze.length;
  assertMazeShape(answer, 'Maze answer', n);
  const problems: string[] = [];
  let extra = 0;
  const report = (p: string) => (problems.length < MAX_PROBLEMS ? problems.push(p) : extra++);

  let length = 0;
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      const want = maze[r][c] === 'o' ? ' ' : maze[r][c];
      const got = answer[r][c];
      if (got === 'o') {
        length++;
        if (want !== ' ') report(`path cell on ${want === '#' ? 'a wall' : want} at ${at(r, c)}`);
      } else if (got !== want) report(`cell at ${at(r, c)} changed from ${JSON.stringify(want)} to ${JSON.stringify(got)}`);
    }

  // Walk the chain from S; on the route every cell has exactly one way forward.
  const onRoute = (r: number, c: number) => answer[r][c] === 'o' || answer[r][c] === 'G';
  const [start] = findCells(maze, 'S');
  const [goal] = findCells(maze, 'G');
  const routeDegree = (r: number, c: number) =>
    neighbours(r, c, n).filter(([nr, nc]) => answer[nr][nc] === 'o' || answer[nr][nc] === 'S' || answer[nr][nc] === 'G').length;
  let reached = false;
  let walked = 0;
  let [pr, pc] = [-1, -1];
  let [r, c] = start;
  for (;;) {
    const next = neighbours(r, c, n).filter(([nr, nc]) => onRoute(nr, nc) && !(nr === pr && nc === pc));
    if (next.length === 0) {
      report(`the route stops at ${at(r, c)} before reaching G`);
      break;
    }
    if (next.length > 1) {
      report(`the route branches or touches itself at ${at(r, c)}`);
      break;
    }
    [pr, pc] = [r, c];
    [r, c] = next[0];
    if (r === goal[0] && c === goal[1]) {
      reached = true;
      break;
    }
    walked++;
    const degree = routeDegree(r, c);
    if (degree < 2) {
      report(`the route stops at ${at(r, c)} before reaching G`);
      break;
    }
    if (degree > 2 || walked > n * n) {
      report(`the route branches or touches itself at ${at(r, c)}`);
      break;
    }
  }
  if (reached && routeDegree(goal[0], goal[1]) !== 1) report(`G at ${at(goal[0], goal[1])} touches more than one route cell`);
  if (reached && walked < length) report(`${length - walked} path cell(s) are not on the route from S to G`);
  if (extra) problems.push(`... and ${extra} more`);

  const valid = problems.length === 0;
  const shortest = valid ? shortestPath(maze) : null;
  return { valid, length, optimal: valid && shortest !== null && shortest.length - 2 === length, problems };
}
