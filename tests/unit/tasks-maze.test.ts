import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkMazePath, decodeMaze, encodeMaze, fitMazeToCanvas, formatMaze, MAZE_CHARSET, mazeCanvasOf, mazeForModel, parseMaze,
  shortestPath, solveMaze, TaskInputError, TOKEN_MAPS, type MazeGrid,
} from '../../src/core/tasks';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const reference = JSON.parse(readFileSync(path.resolve(repoRoot, 'tests/fixtures/reference/maze-att-tiny/io.json'), 'utf8')) as {
  inputs: number[][];
};

/** Walls on the border and along row 10 (with a gap at column 28), S top-left, G bottom-right. */
function simpleMazeText(): string {
  const rows: string[] = [];
  for (let r = 0; r < 30; r++) {
    let line = '';
    for (let c = 0; c < 30; c++) {
      const border = r === 0 || r === 29 || c === 0 || c === 29;
      const wall = border || (r === 10 && c !== 28);
      line += r === 1 && c === 1 ? 'S' : r === 28 && c === 28 ? 'G' : wall ? '#' : ' ';
    }
    rows.push(line);
  }
  return rows.join('\n');
}

const clone = (g: MazeGrid): MazeGrid => g.map((row) => row.slice());

describe('Maze text and tokens (docs/spec.md §3.2)', () => {
  it('maps "# SGo" to 1..5 as the official CHARSET does', () => {
    expect(MAZE_CHARSET).toBe('# SGo');
    expect(TOKEN_MAPS.maze.slice(1).join('')).toBe(MAZE_CHARSET);
    const maze = parseMaze(simpleMazeText());
    maze[2][2] = 'o';
    const t = encodeMaze(maze);
    expect([t[0], t[31], t[32], t[62]]).toEqual([1, 3, 2, 5]); // wall, S at (1,1), open (1,2), path (2,2)
    expect(t[28 * 30 + 28]).toBe(4);
  });
  it('round-trips text, grid and tokens; accepts a trailing newline and CRLF', () => {
    const text = simpleMazeText();
    const maze = parseMaze(text);
    expect(formatMaze(maze)).toBe(text);
    expect(parseMaze(text + '\n')).toEqual(maze);
    expect(parseMaze(text.replaceAll('\n', '\r\n'))).toEqual(maze);
    expect(decodeMaze(encodeMaze(maze))).toEqual(maze);
  });
  it('decodes and re-encodes the reference maze exactly (io.json inputs)', () => {
    const tokens = reference.inputs[0];
    const maze = decodeMaze(tokens);
    expect(maze[1][1]).toBe('S');
    expect(maze[27][27]).toBe('G');
    expect(Array.from(encodeMaze(maze))).toEqual(tokens);
    expect(parseMaze(formatMaze(maze))).toEqual(maze);
  });
  it('decodes PAD as open floor and rejects ids above 5', () => {
    const t = Array.from(encodeMaze(parseMaze(simpleMazeText())));
    t[45] = 0;
    expect(decodeMaze(t)[1][15]).toBe(' ');
    t[45] = 6;
    expect(() => decodeMaze(t)).toThrow(/row 2, column 16 is 6/);
    expect(() => decodeMaze(t.slice(1))).toThrow('Maze needs a square of tokens (900 for 30×30, at least 16), got 899');
  });
  it('names each bad input: size, character, missing or doubled S and G', () => {
    const lines = simpleMazeText().split('\n');
    const join = (ls: string[]) => ls.join('\n');
    expect(() => parseMaze(join(lines.slice(1)))).toThrow(/row 1 has 30 characters; a maze of 29 lines needs 29/);
    expect(() => parseMaze(join([...lines, lines[0]]))).toThrow(new TaskInputError('Maze needs 4 to 30 rows (30 for the official mazes), got 31'));
    expect(() => parseMaze(join([lines[0] + '#', ...lines.slice(1)]))).toThrow(/row 1 has 31 characters/);
    expect(() => parseMaze(join([lines[0], lines[1].slice(0, 29), ...lines.slice(2)]))).toThrow(/row 2 has 29 characters/);
    const bad = lines.slice();
    bad[4] = bad[4].slice(0, 7) + 'x' + bad[4].slice(8);
    expect(() => parseMaze(join(bad))).toThrow(/unexpected character "x" at row 5, column 8/);
    expect(() => parseMaze(join(lines).replace('S', ' '))).toThrow('Maze has no S (start) cell');
    expect(() => parseMaze(join(lines).replace('G', ' '))).toThrow('Maze has no G (goal) cell');
    const twoS = lines.slice();
    twoS[5] = twoS[5].slice(0, 3) + 'S' + twoS[5].slice(4);
    expect(() => parseMaze(join(twoS))).toThrow('Maze has 2 S (start) cells, at row 2, column 2 and row 6, column 4; it needs exactly one');
    const twoG = lines.slice();
    twoG[5] = twoG[5].slice(0, 3) + 'G' + twoG[5].slice(4);
    expect(() => parseMaze(join(twoG))).toThrow(/Maze has 2 G \(goal\) cells/);
  });
});

describe('Maze paths', () => {
  const maze = parseMaze(simpleMazeText());

  it('finds a shortest path through the only gap, and accepts it as a valid optimal answer', () => {
    const path = shortestPath(maze)!;
    expect(path[0]).toEqual([1, 1]);
    expect(path[path.length - 1]).toEqual([28, 28]);
    expect(path).toContainEqual([10, 28]);
    expect(path.length - 1).toBe(27 + 27); // Manhattan distance is reachable through the gap
    const answer = solveMaze(maze)!;
    expect(checkMazePath(maze, answer)).toEqual({ valid: true, length: 53, optimal: true, problems: [] });
  });
  it('solves the reference maze with a valid route', () => {
    const ref = decodeMaze(reference.inputs[0]);
    const answer = solveMaze(ref)!;
    const check = checkMazePath(ref, answer);
    expect(check.valid).toBe(true);
    expect(check.optimal).toBe(true);
    expect(check.length).toBe(shortestPath(ref)!.length - 2);
  });
  it('reports no path when G is walled off', () => {
    const closed = clone(maze);
    closed[10][28] = '#';
    expect(shortestPath(closed)).toBeNull();
    expect(solveMaze(closed)).toBeNull();
  });
  it('rejects a path on a wall, a changed wall, a gap, a stray cell and a branch', () => {
    const answer = solveMaze(maze)!;
    const onWall = clone(answer);
    onWall[10][5] = 'o';
    expect(checkMazePath(maze, onWall).problems).toContain('path cell on a wall at row 11, column 6');
    const wallGone = clone(answer);
    wallGone[0][0] = ' ';
    expect(checkMazePath(maze, wallGone).problems).toContain('cell at row 1, column 1 changed from "#" to " "');
    const gap = clone(answer);
    const [gr, gc] = shortestPath(maze)![10];
    gap[gr][gc] = ' ';
    const g = checkMazePath(maze, gap);
    expect(g.valid).toBe(false);
    expect(g.problems[0]).toMatch(/the route stops at/);
    const stray = clone(answer);
    stray[20][5] = 'o';
    expect(checkMazePath(maze, stray).problems).toEqual(['1 path cell(s) are not on the route from S to G']);
    const branch = clone(answer);
    const [br, bc] = shortestPath(maze)![5];
    const free = [[br + 1, bc], [br - 1, bc], [br, bc + 1], [br, bc - 1]].find(([r, c]) => branch[r][c] === ' ')!;
    branch[free[0]][free[1]] = 'o';
    expect(checkMazePath(maze, branch).valid).toBe(false);
  });
  it('accepts a longer simple route as valid but not optimal', () => {
    // Go down column 1 to row 9, along row 9 to column 28, through the gap, down column 28 to G... then
    // detour: compare with a route via row 20 first. Build it cell by cell.
    const answer = clone(maze);
    const mark = (r: number, c: number) => (answer[r][c] = answer[r][c] === ' ' ? 'o' : answer[r][c]);
    for (let c = 2; c <= 28; c++) mark(1, c); // along the top row
    for (let r = 2; r <= 11; r++) mark(r, 28); // down to the gap and through it
    for (let c = 27; c >= 2; c--) mark(11, c); // back left (detour)
    for (let r = 12; r <= 13; r++) mark(r, 2);
    for (let c = 3; c <= 27; c++) mark(13, c);
    for (let r = 13; r <= 27; r++) mark(r, 28);
    const check = checkMazePath(maze, answer);
    // Row 11 and row 13 are two apart, so the detour never touches itself: a simple chain.
    expect(check.problems).toEqual([]);
    expect(check.valid).toBe(true);
    expect(check.optimal).toBe(false);
    expect(check.length).toBeGreaterThan(53);
  });
  it('flags a route that touches itself', () => {
    const answer = clone(maze);
    const mark = (r: number, c: number) => (answer[r][c] = answer[r][c] === ' ' ? 'o' : answer[r][c]);
    for (let c = 2; c <= 28; c++) mark(1, c);
    for (let r = 2; r <= 11; r++) mark(r, 28);
    for (let c = 27; c >= 2; c--) mark(11, c);
    mark(12, 2);
    for (let c = 3; c <= 27; c++) mark(12, c); // row 12 runs alongside row 11
    for (let r = 12; r <= 27; r++) mark(r, 28);
    expect(checkMazePath(maze, answer).valid).toBe(false);
  });
});

describe('Mazes on a smaller canvas than 30×30', () => {
  const small = ['S #  ', '  # #', ' #   ', '   #G', '#####'].join('\n');
  it('reads, encodes, solves and checks a 5×5 maze like a 30×30 one', () => {
    const maze = parseMaze(small);
    expect(maze.length).toBe(5);
    const tokens = encodeMaze(maze);
    expect(tokens.length).toBe(25);
    expect(decodeMaze(tokens)).toEqual(maze);
    const solved = solveMaze(maze)!;
    expect(formatMaze(solved).split('\n').slice(0, 4)).toEqual(['S #  ', 'o # #', 'o#ooo', 'ooo#G']);
    expect(checkMazePath(maze, solved)).toMatchObject({ valid: true, optimal: true, length: 8 });
    expect(() => checkMazePath(maze, parseMaze(simpleMazeText()))).toThrow('Maze answer needs 5 rows, got 30');
  });
  it('knows a maze canvas from the sequence length', () => {
    expect(mazeCanvasOf(900)).toBe(30);
    expect(mazeCanvasOf(144)).toBe(12);
    expect([mazeCanvasOf(899), mazeCanvasOf(9), mazeCanvasOf(961), mazeCanvasOf(81 + 16)]).toEqual([null, null, null, null]);
  });
  it('pads a smaller maze with walls and crops walls off a larger one, never an open cell', () => {
    const maze = parseMaze(small);
    const padded = fitMazeToCanvas(maze, 7);
    expect(formatMaze(padded).split('\n')).toEqual(['S #  ##', '  # ###', ' #   ##', '   #G##', '#######', '#######', '#######']);
    expect(fitMazeToCanvas(padded, 5)).toEqual(maze);
    expect(() => fitMazeToCanvas(padded, 4)).toThrow(
      "The model reads 4×4 mazes, but this one has an open cell at row 1, column 5, outside its top-left 4×4: draw the maze inside that square (the rest walls) or load a model with a larger canvas (the official one is 30×30).",
    );
    const movedStart = clone(padded);
    [movedStart[0][0], movedStart[5][2]] = [' ', 'S'];
    expect(() => fitMazeToCanvas(movedStart, 5)).toThrow(/this one has "S" at row 6, column 3, outside its top-left 5×5/);
  });
  it('fits a maze to a model by its sequence length', () => {
    expect(mazeForModel(parseMaze(small), 49)).toEqual(fitMazeToCanvas(parseMaze(small), 7));
    expect(() => mazeForModel(parseMaze(small), 81)).not.toThrow();
    expect(() => mazeForModel(parseMaze(small), 50)).toThrow('The model reads 50 cells per puzzle, not a square maze canvas (900 for 30×30)');
  });
});
