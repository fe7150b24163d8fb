// The maze's text form: 30 lines of 30 characters from "# SG" (the official CHARSET without the path 'o').
import { MAZE_SIZE, type MazeText } from '../store/puzzles';

export function mazeToText(m: MazeText): string {
  const lines: string[] = [];
  for (let r = 0; r < MAZE_SIZE; r++) lines.push(m.slice(r * MAZE_SIZE, (r + 1) * MAZE_SIZE));
  return lines.join('\n');
}

/** Reads the text form; 'o' (a drawn path) is read as open floor. Throws an Error that names the problem. */
export function mazeFromText(text: string): MazeText {
  const lines = text.replace(/\r/g, '').split('\n').filter((l) => l.length > 0);
  if (lines.length !== MAZE_SIZE)
    throw new Error(`A maze needs ${MAZE_SIZE} lines of ${MAZE_SIZE} characters; the text has ${lines.length} non-empty lines.`);
  lines.forEach((l, r) => {
    if (l.length !== MAZE_SIZE) throw new Error(`Line ${r + 1} has ${l.length} characters; every line needs exactly ${MAZE_SIZE}.`);
    const bad = l.search(/[^# SGo]/);
    if (bad >= 0) throw new Error(`Line ${r + 1}, column ${bad + 1}: ${JSON.stringify(l[bad])} is not one of "#" wall, " " open, "S", "G".`);
  });
  return lines.join('').replace(/o/g, ' ');
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
