// Pure logic behind the app's editors: undo history, maze generation and text form, ARC grid edits and
// Kaggle import, the share-link packing and what is accepted back from localStorage.
import { describe, expect, it } from 'vitest';
import { historyOf, record, redo, undo } from '../../src/ui/store/history';
import { generateMaze, mazeDistances } from '../../src/ui/maze/generate';
import { mazeFromText, mazeProblems, mazeToText, setMazeCell } from '../../src/ui/maze/mazeText';
import { emptyMaze } from '../../src/ui/store/puzzles';
import { floodArcGrid, resizeArcGrid } from '../../src/ui/arc/gridOps';
import { exportKaggle, importKaggle } from '../../src/ui/arc/kaggle';
import { packMaze, unpackMaze } from '../../src/ui/share/share';
import { restorePuzzles } from '../../src/ui/store/restore';
import { DEFAULT_SETTINGS, restoreSettings } from '../../src/ui/store/settingsSlice';
import { fitMazeToCanvas, parseMaze, shortestPath } from '../../src/core/tasks/maze';

function seeded(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

describe('undo history', () => {
  it('push records, replace does not, undo and redo walk back and forth', () => {
    let h = historyOf(1);
    h = record(h, 2);
    h = record(h, 3, 'replace');
    h = record(h, 4);
    expect(h.past).toEqual([1, 3]);
    h = undo(h);
    expect(h.present).toBe(3);
    h = undo(h);
    expect(h.present).toBe(1);
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe(3);
    h = record(h, 9);
    expect(h.future).toEqual([]);
  });
});

describe('maze generator and text form', () => {
  it('makes a 30×30 maze with one S and one G joined by a long path', () => {
    const maze = generateMaze(seeded(7));
    expect(maze).toHaveLength(900);
    expect(mazeProblems(maze)).toEqual([]);
    const path = shortestPath(parseMaze(mazeToText(maze)));
    expect(path).not.toBeNull();
    // Far apart: the path is longer than the lattice diameter of a straight line across (28 cells).
    expect(path!.length).toBeGreaterThan(28);
    const grid = Array.from(maze);
    const s = maze.indexOf('S');
    const g = maze.indexOf('G');
    const dist = mazeDistances(grid, s);
    expect(Math.max(...dist)).toBe(dist[g]); // G is the farthest cell from S
  });

  it('carves a smaller maze in the top-left for a model with a smaller canvas', () => {
    const maze = generateMaze(seeded(5), 12);
    expect(maze).toHaveLength(900);
    expect(mazeProblems(maze)).toEqual([]);
    for (let i = 0; i < 900; i++) if (i % 30 >= 12 || i >= 12 * 30) expect(maze[i]).toBe('#');
    const small = fitMazeToCanvas(parseMaze(mazeToText(maze)), 12);
    expect(shortestPath(small)!.length).toBeGreaterThan(8); // more than 8 steps, as in the training data
    for (const side of [4, 5, 7]) {
      const tiny = generateMaze(seeded(side), side);
      expect(mazeProblems(tiny)).toEqual([]);
      expect(shortestPath(fitMazeToCanvas(parseMaze(mazeToText(tiny)), side))).not.toBeNull();
    }
  });

  it('reads a smaller square text form into the top-left, the rest walls', () => {
    const maze = mazeFromText('S #  \n  # #\n #   \n   #G\n#####\n');
    expect(maze.slice(0, 30)).toBe('S #  ' + '#'.repeat(25));
    expect(maze.slice(30 * 3, 30 * 4)).toBe('   #G' + '#'.repeat(25));
    expect(maze.slice(30 * 5)).toBe('#'.repeat(30 * 25));
    expect(() => mazeFromText('S # \n  # #\n #   \n   #G\n#####')).toThrow('Line 1 has 4 characters; a maze of 5 lines needs exactly 5 in every line.');
  });

  it('round-trips the text form and names bad input', () => {
    const maze = generateMaze(seeded(3));
    expect(mazeFromText(mazeToText(maze))).toBe(maze);
    expect(() => mazeFromText('###')).toThrow(/30 lines/);
    const bad = mazeToText(maze).split('\n');
    bad[4] = 'x' + bad[4].slice(1);
    expect(() => mazeFromText(bad.join('\n'))).toThrow(/Line 5, column 1/);
  });

  it('keeps S and G unique when placing them', () => {
    let m = setMazeCell(emptyMaze(), 31, 'S');
    m = setMazeCell(m, 95, 'S');
    expect(m.split('S').length - 1).toBe(1);
    expect(m[95]).toBe('S');
    expect(mazeProblems(m)).toEqual(['The maze has no goal G: choose the G tool and click a cell.']);
  });

  it('packs a maze into a share link and back', () => {
    const maze = generateMaze(seeded(11));
    const packed = packMaze(maze);
    expect(packed.length).toBeLessThan(310);
    expect(unpackMaze(packed)).toBe(maze);
  });
});

describe('ARC grid edits and Kaggle JSON', () => {
  it('flood fills one connected area only', () => {
    const g = [
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 0],
    ];
    expect(floodArcGrid(g, 0, 0, 5)).toEqual([
      [5, 5, 0],
      [0, 5, 0],
      [1, 0, 0],
    ]);
  });

  it('resizes keeping the overlap and refuses sides over 30', () => {
    expect(resizeArcGrid([[1, 2]], 2, 3)).toEqual([
      [1, 2, 0],
      [0, 0, 0],
    ]);
    expect(() => resizeArcGrid([[1]], 31, 2)).toThrow(/1 to 30/);
  });

  it('imports a task, a challenges file, and refuses malformed ones with the place named', () => {
    const task = { train: [{ input: [[1]], output: [[2]] }], test: [{ input: [[3]] }] };
    const [one] = importKaggle(JSON.stringify(task), 'mine');
    expect(one.name).toBe('mine');
    expect(importKaggle(JSON.stringify({ abc: task, def: task })).map((t) => t.name)).toEqual(['abc', 'def']);
    expect(importKaggle(exportKaggle(one))[0]).toEqual({ ...one, source: 'import' });
    expect(() => importKaggle('{')).toThrow(/not valid JSON/);
    expect(() => importKaggle(JSON.stringify({ train: [], test: [{ input: [[1, 10]] }] }))).toThrow(/test 1 input: row 1, column 2/);
    const big = Array.from({ length: 31 }, () => [0]);
    expect(() => importKaggle(JSON.stringify({ train: [], test: [{ input: big }] }))).toThrow(/at most 30×30/);
  });
});

describe('restoring stored puzzles', () => {
  it('keeps valid puzzles and drops damaged ones', () => {
    const r = restorePuzzles({ sudoku: new Array(81).fill(0), maze: 'short', arc: { name: 'x', train: [], test: [] } });
    expect(r.sudoku).toHaveLength(81);
    expect(r.maze).toBeNull();
    expect(r.arc).toBeNull(); // no test input
  });
});

describe('restoring stored settings', () => {
  it('keeps what this version offers and resets the rest to its default', () => {
    expect(restoreSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(restoreSettings({ sudokuViews: 16, speed: 2 })).toMatchObject({ sudokuViews: 16, speed: 2 });
    for (const bad of [0, -4, 2.5, 'many', null]) expect(restoreSettings({ sudokuViews: bad as never }).sudokuViews).toBe('auto');
  });
});

describe('download progress numbers', async () => {
  const { rate } = await import('../../src/ui/model/download');
  const { formatBytes, formatSeconds } = await import('../../src/ui/model/format');
  it('gives speed and time left from bytes and elapsed time', () => {
    const r = rate({ loaded: 5_000_000, total: 20_000_000 }, 0, 2000);
    expect(r.speed).toBe(2_500_000);
    expect(r.left).toBe(6);
    expect(rate({ loaded: 10, total: null }, 0, 1000).left).toBeNull();
  });
  it('formats sizes and durations', () => {
    expect(formatBytes(533352)).toBe('520.9 KB');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.50 GB');
    expect(formatSeconds(125)).toBe('2 min 5 s');
  });
});

describe('model card fields', async () => {
  const { cardAccuracy, cardCommand, cardTrainedOn, cardTrainingTime } = await import('../../src/ui/model/cardFields');
  type ModelCard = import('../../src/core/bundle').ModelCard;
  it('reads the training helper card shape (nested results, command list, trained_on object)', () => {
    const card = {
      commands: ['python training/train.py --task sudoku'],
      trained_on: { data: 'data/sudoku', build: { train_examples: 215559 } },
      train_minutes: 48.5,
      trained_steps: 694,
      accuracy: { model: { step: 694 }, results: { 'data/sudoku:test': { n: 60, exact_accuracy: 0, token_accuracy: 0.658 } } },
    } as unknown as ModelCard; // ModelCard types trained_on as a string; real cards also carry an object
    expect(cardCommand(card)).toBe('python training/train.py --task sudoku');
    expect(cardTrainedOn(card)).toBe('data/sudoku, 215,559 training examples');
    expect(cardTrainingTime(card)).toBe('48.5 min, 694 steps');
    expect(cardAccuracy(card)).toEqual([['data/sudoku:test', '0.0% puzzles exact, 65.8% cells, n = 60']]);
  });
  it('adds the results with test-time views after the single-view ones', () => {
    const accuracy = {
      results: { 'heldout_hard.csv': { n: 200, exact_accuracy: 0.04, token_accuracy: 0.78 } },
      with_views: { views: 8, results: { 'heldout_hard.csv': { n: 200, exact_accuracy: 0.29 } } },
    };
    expect(cardAccuracy({ accuracy } as unknown as ModelCard)).toEqual([
      ['heldout_hard.csv', '4.0% puzzles exact, 78.0% cells, n = 200'],
      ['heldout_hard.csv, 8 tries', '29.0% puzzles exact, n = 200'],
    ]);
  });
  it('reads a flat card', () => {
    expect(cardAccuracy({ accuracy: { exact: 0.87, note: 'held-out' } })).toEqual([['exact', '87.0%'], ['note', 'held-out']]);
    expect(cardCommand({ command: 'x' })).toBe('x');
  });
});

describe('ARC preflight on a model canvas', async () => {
  const { encodePuzzle, preflight } = await import('../../src/ui/solve/taskInput');
  const { decodeArcGrid } = await import('../../src/core/tasks/arc');
  type ModelInfo = import('../../src/worker/protocol').ModelInfo;
  const model = (seq_len: number, puzzleRows?: Record<string, number>) =>
    ({ id: 'm', name: 'arc', format: 'app', task: 'arc', config: { seq_len }, parameterCount: 0, embeddingRows: 0, bytes: 0, puzzleRows }) as unknown as ModelInfo;
  const square = (n: number) => Array.from({ length: n }, () => Array.from({ length: n }, () => 3));
  const puzzle = (input: number[][], output?: number[][]) => ({ name: 'abc', source: 'import', train: [], test: [{ input, output }] });

  it('encodes on the model canvas and finds the task row by name', () => {
    const p = puzzle(square(4), square(4));
    const check = preflight('arc', p as never, model(100, { abc: 7 }));
    expect(check).toEqual({ blockers: [], warnings: [], puzzleId: 7, shownInEditor: [] });
    const tokens = encodePuzzle('arc', p as never, 0, 100);
    expect(tokens).toHaveLength(100);
    expect(decodeArcGrid(tokens)).toEqual(square(4));
  });
  it('blocks an input larger than the canvas, warns for an output larger than it, refuses non-square models', () => {
    expect(preflight('arc', puzzle(square(11)) as never, model(100, { abc: 1 })).blockers).toEqual([
      "The test input is 11×11 but the loaded model's canvas is 10×10: it cannot read this grid. Load a model with a larger canvas (the official one is 30×30).",
    ]);
    expect(preflight('arc', puzzle(square(5), square(12)) as never, model(100, { abc: 1 })).warnings).toEqual([
      "The expected output is 12×12, larger than the loaded model's 10×10 canvas, so the model cannot produce it.",
    ]);
    expect(preflight('arc', puzzle(square(30)) as never, model(900, { abc: 1 }))).toEqual({ blockers: [], warnings: [], puzzleId: 1, shownInEditor: [] });
    expect(preflight('arc', puzzle(square(3)) as never, model(81, { abc: 1 })).blockers).toEqual([]); // 9×9 canvas
    expect(preflight('arc', puzzle(square(3)) as never, model(80)).blockers[0]).toMatch(/reads 80 cells per puzzle but a arc puzzle has a square canvas/);
  });
});

describe('confidence colour scale', () => {
  it('is logarithmic near 1: 99% and 99.9% are far apart, 50% and below are the bottom', async () => {
    const { certainty } = await import('../../src/ui/viz/colourScale');
    expect(certainty(0.3)).toBe(0);
    expect(certainty(0.5)).toBeCloseTo(0, 10);
    expect(certainty(0.99)).toBeCloseTo(0.459, 3);
    expect(certainty(0.999)).toBeCloseTo(0.730, 3);
    expect(certainty(1)).toBeCloseTo(1, 10);
  });
});
