// Correctness of a predicted answer, per task: rule violations always, wrong cells where the solution is known.
import { checkSudoku, decodeSudoku, encodeSudoku, solveSudoku } from '../../core/tasks/sudoku';
import { checkMazePath, decodeMaze, encodeMaze, mazeForModel, parseMaze, solveMaze, type MazeGrid } from '../../core/tasks/maze';
import { arcCanvasOf, arcExactMatch, decodeArcGrid, encodeArcGrid, type ArcGrid } from '../../core/tasks/arc';
import { TOKEN_MAPS } from '../../core/tasks';
import type { TaskKind } from '../../core/config';
import type { Run } from '../store/solveSlice';
import type { ArcPuzzle, MazeText } from '../store/puzzles';
import { mazeToText } from '../maze/mazeText';

export interface Evaluation {
  solved: boolean;
  /** One line, e.g. "3 rule violations · 7 cells wrong". */
  summary: string;
  details: string[];
  /** Cells that break a rule (Sudoku conflicts). */
  violations: Set<number>;
  /** Cells that differ from the known solution. */
  wrong: Set<number>;
  /** ARC: the decoded output grid. */
  decoded?: ArcGrid;
}

/** The expected tokens (seq_len) when the solution is known, else null. Computed once per run. */
export function expectedTokens(run: Run): Int32Array | null {
  try {
    if (run.task === 'sudoku') {
      const sols = solveSudoku(run.puzzle as number[], 2);
      return sols.length === 1 ? encodeSudoku(sols[0]) : null;
    }
    if (run.task === 'maze') {
      const solved = solveMaze(runMaze(run, run.tokens.length));
      return solved ? encodeMaze(solved) : null;
    }
    const out = (run.puzzle as ArcPuzzle).test[run.testIndex]?.output;
    return out ? encodeArcGrid(out, { canvas: arcCanvasOf(run.tokens.length) ?? undefined }) : null;
  } catch {
    return null;
  }
}

export function evaluate(run: Run, preds: Int32Array, expected: Int32Array | null): Evaluation {
  const wrong = new Set<number>();
  if (expected) for (let i = 0; i < expected.length; i++) if (expected[i] !== 0 && preds[i] !== expected[i]) wrong.add(i);
  const violations = new Set<number>();
  const details: string[] = [];
  let solved = false;
  let decoded: ArcGrid | undefined;
  const wrongText = expected ? `${wrong.size} cells wrong` : 'solution unknown';

  if (run.task === 'sudoku') {
    const answer = decodeSudoku(preds);
    const check = checkSudoku(run.puzzle as number[], answer);
    check.conflicts.forEach((i) => violations.add(i));
    const blanks = answer.filter((v) => v === 0).length;
    if (blanks) details.push(`${blanks} cells without a digit`);
    if (!check.keepsGivens) details.push('changes a given digit');
    solved = check.solved;
    return {
      solved,
      summary: solved ? 'Solved: every rule holds' : `${check.conflicts.length} cells break a rule · ${wrongText}`,
      details,
      violations,
      wrong,
    };
  }
  if (run.task === 'maze') {
    let check;
    try {
      check = checkMazePath(runMaze(run, preds.length), decodeMaze(preds));
    } catch (e) {
      return { solved: false, summary: (e as Error).message, details: [], violations, wrong };
    }
    solved = check.valid && check.optimal;
    return {
      solved,
      summary: solved
        ? `Shortest path found (${check.length} cells)`
        : `${check.valid ? `valid path of ${check.length} cells, not the shortest` : 'no valid path'} · ${wrongText}`,
      details: check.problems,
      violations,
      wrong,
    };
  }
  decoded = decodeArcGrid(preds);
  const expectedGrid = (run.puzzle as ArcPuzzle).test[run.testIndex]?.output;
  if (expectedGrid) {
    solved = decoded.length > 0 && arcExactMatch(decoded, expectedGrid);
    const sizeOk = decoded.length === expectedGrid.length && decoded[0]?.length === expectedGrid[0].length;
    details.push(`decoded ${decoded.length}×${decoded[0]?.length ?? 0}, expected ${expectedGrid.length}×${expectedGrid[0].length}`);
    return {
      solved,
      summary: solved ? 'Exact match with the expected output' : `${sizeOk ? 'right size' : 'wrong size'} · ${wrongText}`,
      details,
      violations,
      wrong,
      decoded,
    };
  }
  return { solved: false, summary: `decoded ${decoded.length}×${decoded[0]?.length ?? 0} grid · expected output unknown`, details, violations, wrong, decoded };
}

/** The run's maze as its model read it (on the model's canvas, which may be smaller than 30×30). */
function runMaze(run: Run, seqLen: number): MazeGrid {
  return mazeForModel(parseMaze(mazeToText(run.puzzle as MazeText)), seqLen);
}

export function tokenName(task: TaskKind, token: number): string {
  const name = TOKEN_MAPS[task][token] ?? `token ${token}`;
  if (task === 'maze') return { '#': 'wall', ' ': 'open', S: 'start S', G: 'goal G', o: 'path o' }[name] ?? name;
  if (task === 'arc' && /^\d$/.test(name)) return `colour ${name}`;
  return name;
}
