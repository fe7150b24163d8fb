// The maze's text form: 30 lines of 30 characters from "# SG" (the official CHARSET without the path 'o');
// a smaller square is read too, into the top-left of the 30×30 grid, the rest walls.
import { MAZE_MIN_SIZE } from '../../core/tasks/maze';
import { MAZE_SIZE, type MazeText } from '../store/puzzles';

export function mazeToText(m: MazeText): string {
  const lines: string[] = [];
  for (let r = 0; r < MAZE_SIZE; r++) lines.push(m.slice(r * MAZE_SIZE, (r + 1) * MAZE_SIZE));
  return lines.join('\n');
}

/**
 * Reads the text form; 'o' (a drawn path) is read as open floor. N lines of N characters with N < 30 (at
 * least MAZE_MIN_SIZE) fill the top-left of the grid, the rest walls. Throws an Error that names the problem.
 */
export function mazeFromText(text: string): MazeText {
  const lines = text.replace(/\r/g, '').split('\n').filter((l) => l.length > 0);
  const n = lines.length;
  if (n < MAZE_MIN_SIZE || n > MAZE_SIZE)
    throw new Error(
      `A maze needs ${MAZE_SIZE} lines of ${MAZE_SIZE} characters (or a smaller square, at least ${MAZE_MIN_SIZE}×${MAZE_MIN_SIZE}); the text has ${n} non-empty lines.`,
    );
  lines.forEach((l, r) => {
    if (l.length !== n) throw new Error(`Line ${r + 1} has ${l.length} characters; a maze of ${n} lines needs exactly ${n} in every line.`);
    const bad = l.search(/[^# SGo]/);
    if (bad >= 0) throw new Error(`Line ${r + 1}, column ${bad + 1}: ${JSON.stringify(l[bad])} is not one of "#" wall, " " open, "S", "G".`);
  });
  const wall = '#'.repeat(MAZE_SIZE);
  return Array.from({ length: MAZE_SIZE }, (_, r) => (r < n ? lines[r] + wall.slice(n) : wall))
    .join('')
    .replace(/o/g, ' ');
}

/** Problems that stop a solve: the model was trained on mazes with exactly one S and one G. */
export function mazeProblems(m: MazeText): string[] {
  const s = m.split('S').length - 1;
  const g = m.split('G').length - 1;
  const p: string[] = [];
  if (s === 0) p.push('The maze has no start S: choose the S tool and click a cell.');
  if (s > 1) p.push(`The maze has ${s} starts; keep exactly one S.`);
  if (g === 0) p.push('The maze has no goal G: choose the G tool and click a cell.');
  if (g > 1) p.push(`The maze has ${g} goals; keep exactly one G.`);
  return p;
}

/** Sets one cell; S and G are unique, so placing one removes the old one. */
export function setMazeCell(m: MazeText, i: number, ch: '#' | ' ' | 'S' | 'G'): MazeText {
  if (m[i] === ch) return m;
  let base = m;
  if (ch === 'S' || ch === 'G') base = base.replaceAll(ch, ' ');
  return base.slice(0, i) + ch + base.slice(i + 1);
}
