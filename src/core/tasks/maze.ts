// Maze 30×30: text ⇄ grid ⇄ official tokens (spec §3.2: CHARSET "# SGo" → 1..5, PAD 0, row-major),
// the path checker and a breadth-first shortest path.
import { TaskInputError } from './errors';

export type MazeCell = '#' | ' ' | 'S' | 'G' | 'o';
/** 30 rows of 30 cells: wall `#`, open ` `, start `S`, goal `G`, path `o`. */
export type MazeGrid = MazeCell[][];

export const MAZE_SIZE = 30;
/** The official builder's CHARSET: character k has token id k+1. */
export const MAZE_CHARSET = '# SGo';

const at = (r: number, c: number) => `row ${r + 1}, column ${c + 1}`;

function isMazeCell(ch: string): ch is MazeCell {
  return ch.length === 1 && MAZE_CHARSET.includes(ch);
}

/**
 * Reads 30 lines of 30 characters from `# SGo` with exactly one S and one G (a trailing newline and
 * Windows line ends are fine). Throws a TaskInputError naming the row/column of the first problem.
 */
export function parseMaze(text: string): MazeGrid {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > MAZE_SIZE && lines[lines.length - 1] === '') lines.pop();
  if (lines.length !== MAZE_SIZE) throw new TaskInputError(`Maze needs 30 lines, got ${lines.length}`);
  const grid: MazeGrid = lines.map((line, r) => {
    const chars = [...line];
    if (chars.length !== MAZE_SIZE)
      throw new TaskInputError(`Maze row ${r + 1} has ${chars.length} characters; every row needs 30 (keep trailing spaces)`);
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

/** Throws unless `grid` is 30×30 with cells from `# SGo`. */
export function assertMazeShape(grid: readonly (readonly string[])[], what = 'Maze'): void {
  if (grid.length !== MAZE_SIZE) throw new TaskInputError(`${what} needs 30 rows, got ${grid.length}`);
  grid.forEach((row, r) => {
    if (row.length !== MAZE_SIZE) throw new TaskInputError(`${what} row ${r + 1} has ${row.length} cells; it needs 30`);
    row.forEach((ch, c) => {
      if (!isMazeCell(ch)) throw new TaskInputError(`${what}: cell at ${at(r, c)} is ${JSON.stringify(ch)}; cells are one of "# SGo"`);
    });
  });
}

/** 30 lines of 30 characters joined by `\n` (no trailing newline); parseMaze reads it back. */
export function formatMaze(grid: MazeGrid): string {
  assertMazeShape(grid);
  return grid.map((row) => row.join('')).join('\n');
}

/** Official tokens: `#`→1, ` `→2, `S`→3, `G`→4, `o`→5, row-major. */
export function encodeMaze(grid: MazeGrid): Int32Array {
  assertMazeShape(grid);
  const tokens = new Int32Array(MAZE_SIZE * MAZE_SIZE);
  grid.forEach((row, r) => row.forEach((ch, c) => (tokens[r * MAZE_SIZE + c] = MAZE_CHARSET.indexOf(ch) + 1)));
  return tokens;
}

/**
 * Tokens → grid. PAD (0) never occurs in a maze; a model that predicts it gets an open cell, so the
 * path checker reports the gap or the overwritten wall rather than the decoder throwing.
 */
export function decodeMaze(tokens: ArrayLike<number>): MazeGrid {
  if (tokens.length !== MAZE_SIZE * MAZE_SIZE) throw new TaskInputError(`Maze needs 900 tokens, got ${tokens.length}`);
  const grid: MazeGrid = [];
  for (let r = 0; r < MAZE_SIZE; r++) {
    const row: MazeCell[] = [];
    for (let c = 0; c < MAZE_SIZE; c++) {
      const t = tokens[r * MAZE_SIZE + c];
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

function neighbours(r: number, c: number): [number, number][] {
  return STEPS.map(([dr, dc]) => [r + dr, c + dc] as [number, number]).filter(
    ([nr, nc]) => nr >= 0 && nr < MAZE_SIZE && nc >= 0 && nc < MAZE_SIZE,
  );
}

/**
 * A shortest route from S to G through non-wall cells (breadth-first), as [row, col] cells from S to G
 * inclusive, or null when G cannot be reached.
 */
export function shortestPath(maze: MazeGrid): [number, number][] | null {
  assertMazeShape(maze);
  assertMazeEnds(maze);
  const [start] = findCells(maze, 'S');
  const from = new Int32Array(MAZE_SIZE * MAZE_SIZE).fill(-1);
  const startIdx = start[0] * MAZE_SIZE + start[1];
  from[startIdx] = startIdx;
  const queue = [startIdx];
  for (let head = 0; head < queue.length; head++) {
    const idx = queue[head];
    const r = Math.floor(idx / MAZE_SIZE);
    const c = idx % MAZE_SIZE;
    if (maze[r][c] === 'G') {
      const path: [number, number][] = [];
      for (let k = idx; ; k = from[k]) {
        path.push([Math.floor(k / MAZE_SIZE), k % MAZE_SIZE]);
        if (k === startIdx) break;
      }
      return path.reverse();
    }
    for (const [nr, nc] of neighbours(r, c)) {
      const n = nr * MAZE_SIZE + nc;
      if (from[n] >= 0 || maze[nr][nc] === '#') continue;
      from[n] = idx;
      queue.push(n);
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
  assertMazeShape(answer, 'Maze answer');
  const problems: string[] = [];
  let extra = 0;
  const report = (p: string) => (problems.length < MAX_PROBLEMS ? problems.push(p) : extra++);

  let length = 0;
  for (let r = 0; r < MAZE_SIZE; r++)
    for (let c = 0; c < MAZE_SIZE; c++) {
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
    neighbours(r, c).filter(([nr, nc]) => answer[nr][nc] === 'o' || answer[nr][nc] === 'S' || answer[nr][nc] === 'G').length;
  let reached = false;
  let walked = 0;
  let [pr, pc] = [-1, -1];
  let [r, c] = start;
  for (;;) {
    const next = neighbours(r, c).filter(([nr, nc]) => onRoute(nr, nc) && !(nr === pr && nc === pc));
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
    if (degree > 2 || walked > MAZE_SIZE * MAZE_SIZE) {
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
