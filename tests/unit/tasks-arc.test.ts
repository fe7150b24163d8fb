import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  arcCanvasOf, arcExactMatch, assertFitsCanvas, decodeArcGrid, encodeArcGrid, parseArcChallenges, parseArcSolutions, parseArcTask,
  TASK_SHAPES, TaskInputError, TOKEN_MAPS, type ArcGrid,
} from '../../src/core/tasks';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const datasets = path.resolve(repoRoot, 'datasets');
const referenceDir = path.resolve(repoRoot, 'tests/fixtures/reference');
const reference = JSON.parse(readFileSync(path.join(referenceDir, 'arc-att-tiny/io.json'), 'utf8')) as {
  arc_grids: ArcGrid[];
  inputs: number[][];
};

const canvasRow = (tokens: Int32Array, r: number, n = 6) => Array.from(tokens.slice(r * 30, r * 30 + n));

describe('ARC tokens (docs/spec.md §3.3)', () => {
  it('writes colour+2 from (0,0), EOS below and to the right, the corner and the rest PAD', () => {
    const grid = [
      [0, 1],
      [2, 3],
      [9, 5],
    ]; // 3 rows × 2 columns
    const t = encodeArcGrid(grid);
    expect(t).toHaveLength(900);
    expect(canvasRow(t, 0, 4)).toEqual([2, 3, 1, 0]);
    expect(canvasRow(t, 1, 4)).toEqual([4, 5, 1, 0]);
    expect(canvasRow(t, 2, 4)).toEqual([11, 7, 1, 0]);
    expect(canvasRow(t, 3, 4)).toEqual([1, 1, 0, 0]); // EOS row over the columns; corner (3,2) not written
    expect(canvasRow(t, 4, 4)).toEqual([0, 0, 0, 0]);
    expect(t.reduce((a, v) => a + (v === 1 ? 1 : 0), 0)).toBe(5);
    expect(decodeArcGrid(t)).toEqual(grid);
  });
  it('skips the EOS row or column that would fall off the 30×30 canvas', () => {
    const full = Array.from({ length: 30 }, (_, r) => Array.from({ length: 30 }, (_, c) => (r + c) % 10));
    const t = encodeArcGrid(full);
    expect(t.every((v) => v >= 2)).toBe(true);
    expect(decodeArcGrid(t)).toEqual(full);
    const wide = [Array.from({ length: 30 }, () => 4)];
    const tw = encodeArcGrid(wide);
    expect(canvasRow(tw, 1, 30)).toEqual(new Array(30).fill(1));
    expect(tw.slice(60).every((v) => v === 0)).toBe(true);
  });
  it('places a grid at an offset like the translation augmentation, within bounds only', () => {
    const t = encodeArcGrid([[7]], { rowOffset: 2, colOffset: 3 });
    expect(t[2 * 30 + 3]).toBe(9);
    expect(t[3 * 30 + 3]).toBe(1);
    expect(t[2 * 30 + 4]).toBe(1);
    expect(() => encodeArcGrid([[7, 7]], { colOffset: 29 })).toThrow(/does not fit the 30×30 canvas/);
  });
  it('encodes and decodes on a smaller square canvas (a model whose seq_len is side²)', () => {
    const grid = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const t = encodeArcGrid(grid, { canvas: 10 });
    expect(t).toHaveLength(100);
    expect(Array.from(t.slice(0, 5))).toEqual([3, 4, 5, 1, 0]);
    expect(Array.from(t.slice(10, 15))).toEqual([6, 7, 8, 1, 0]);
    expect(Array.from(t.slice(20, 25))).toEqual([1, 1, 1, 0, 0]);
    expect(decodeArcGrid(t)).toEqual(grid);
    const full = Array.from({ length: 10 }, (_, r) => Array.from({ length: 10 }, (_, c) => (r * c) % 10));
    expect(decodeArcGrid(encodeArcGrid(full, { canvas: 10 }))).toEqual(full); // no EOS fits: the whole canvas
    expect(() => encodeArcGrid([[1], [1], [1]], { canvas: 2 })).toThrow(/does not fit the 2×2 canvas/);
    expect(() => assertFitsCanvas(full, 9, 'test input')).toThrow("test input is 10×10; this model's canvas is 9×9");
  });
  it('reads the canvas side from seq_len: squares of 1..30 only', () => {
    expect(arcCanvasOf(900)).toBe(30);
    expect(arcCanvasOf(100)).toBe(10);
    expect(arcCanvasOf(1)).toBe(1);
    expect(arcCanvasOf(81 * 12)).toBeNull();
    expect(arcCanvasOf(961)).toBeNull(); // 31×31 is larger than any ARC grid
    expect(arcCanvasOf(0)).toBeNull();
    expect(() => decodeArcGrid(new Int32Array(99))).toThrow('ARC needs a square canvas of tokens (900 for 30×30), got 99');
  });
  it('encodes the reference test inputs exactly as the official builder did (io.json inputs)', () => {
    expect(reference.arc_grids).toHaveLength(2);
    reference.arc_grids.forEach((g, b) => {
      expect(Array.from(encodeArcGrid(g))).toEqual(reference.inputs[b]);
      expect(decodeArcGrid(reference.inputs[b])).toEqual(g);
    });
  });
  it('crops like evaluators/arc.py: the largest top-left rectangle of colour tokens', () => {
    const t = new Int32Array(900);
    const fill = (r: number, w: number) => {
      for (let c = 0; c < w; c++) t[r * 30 + c] = 2 + c;
    };
    fill(0, 5);
    fill(1, 3);
    fill(2, 3);
    t[0 * 30 + 5] = 1; // EOS ends row 0
    // areas: 1×5 = 5, 2×3 = 6, 3×3 = 9, then row 3 starts with PAD → width 0
    expect(decodeArcGrid(t)).toEqual([
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]);
    const tie = new Int32Array(900);
    for (let c = 0; c < 4; c++) tie[c] = 3;
    for (let c = 0; c < 2; c++) tie[30 + c] = 3;
    expect(decodeArcGrid(tie)).toEqual([[1, 1, 1, 1]]); // 1×4 and 2×2 tie: the first wins
    const junk = new Int32Array(900).fill(12); // ids above 11 are not colours either
    expect(decodeArcGrid(junk)).toEqual([]);
    expect(decodeArcGrid(new Int32Array(900))).toEqual([]);
    expect(() => decodeArcGrid(new Int32Array(899))).toThrow('ARC needs a square canvas of tokens (900 for 30×30), got 899');
  });
  it('has 12 tokens: PAD, EOS and ten colours', () => {
    expect(TOKEN_MAPS.arc).toHaveLength(TASK_SHAPES.arc.vocab_size);
    expect(TOKEN_MAPS.sudoku).toHaveLength(TASK_SHAPES.sudoku.vocab_size);
    expect(TOKEN_MAPS.maze).toHaveLength(TASK_SHAPES.maze.vocab_size);
  });
});

describe('ARC files', () => {
  it('reads the official training challenges and solutions; the reference grids are test inputs there', () => {
    const tasks = parseArcChallenges(readFileSync(path.join(datasets, 'arc/arc-agi_training_challenges.json'), 'utf8'));
    expect(Object.keys(tasks)).toHaveLength(400);
    expect(tasks.a416b8f3.test[0].input).toEqual(reference.arc_grids[0]);
    expect(tasks['6150a2bd'].test[0].input).toEqual(reference.arc_grids[1]);
    expect(tasks.a416b8f3.test[0].output).toBeUndefined();
    const solutions = parseArcSolutions(readFileSync(path.join(datasets, 'arc/arc-agi_training_solutions.json'), 'utf8'));
    expect(solutions.a416b8f3[0][0]).toEqual([4, 0, 0, 0, 4, 0, 0, 0]);
    for (const task of Object.values(tasks))
      for (const pair of task.train) expect(decodeArcGrid(encodeArcGrid(pair.output))).toEqual(pair.output);
  });
  it('keeps a test output when the task file has one', () => {
    const task = parseArcTask('{"train":[{"input":[[1]],"output":[[2]]}],"test":[{"input":[[3]],"output":[[4,4]]}]}');
    expect(task.test[0].output).toEqual([[4, 4]]);
  });
  it('names the task, pair, row and problem of a bad file', () => {
    const pair = (input: unknown, output: unknown = [[0]]) => ({ input, output });
    const task = (train: unknown[]) => ({ train, test: [{ input: [[0]] }] });
    const tall = Array.from({ length: 31 }, () => [0, 0, 0, 0, 0]);
    expect(() => parseArcChallenges({ abc: task([pair([[0]]), pair(tall)]) })).toThrow(
      new TaskInputError('ARC task abc, train pair 2 input: grid is 31×5; ARC grids are at most 30×30'),
    );
    expect(() => parseArcTask(task([pair([[0, 1], [2]])]))).toThrow(
      'ARC task, train pair 1 input: row 2 has 1 cells but row 1 has 2; grids are rectangular',
    );
    expect(() => parseArcTask(task([pair([[0]], [[0, 10]])]))).toThrow(/train pair 1 output: row 1, column 2 is 10; colours are integers 0..9/);
    expect(() => parseArcTask(task([{ input: [[1]] }]))).toThrow('ARC task, train pair 1: missing "output"');
    expect(() => parseArcTask({ train: [pair([[1]])], test: [{ input: [] }] })).toThrow('ARC task, test pair 1 input: grid has no rows');
    expect(() => parseArcTask({ train: [], test: [{ input: [[1]] }] })).toThrow(/no train pairs/);
    expect(() => parseArcTask({ train: [pair([[1]])] })).toThrow('ARC task: "test" must be a list of pairs, got undefined');
    expect(() => parseArcTask('{"train": [')).toThrow(/ARC task is not valid JSON/);
    expect(() => parseArcChallenges([])).toThrow(/expected an object of task id → task, got a list/);
    expect(() => parseArcSolutions({ x: [[[1], [1, 2]]] })).toThrow(/ARC solutions for x, test pair 1: row 2 has 2 cells/);
  });
});

describe('arcExactMatch', () => {
  it('needs equal size and equal colours', () => {
    expect(arcExactMatch([[1, 2]], [[1, 2]])).toBe(true);
    expect(arcExactMatch([[1, 2]], [[1, 3]])).toBe(false);
    expect(arcExactMatch([[1, 2]], [[1, 2], [0, 0]])).toBe(false);
    expect(arcExactMatch([[1, 2]], [[1]])).toBe(false);
    expect(arcExactMatch([], [])).toBe(true);
  });
});
