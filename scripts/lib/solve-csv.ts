// `npm run solve -- --csv <file>`: solves every row (or an evenly strided --limit sample, the same rows that
// training/evaluate.py --limit picks) in batches and scores them as evaluate.py does (with --views N as
// evaluate.py --views N: each puzzle's rows are its views, merged into one answer per puzzle).
import { AccuracyTally, stridedRows, type AccuracyReport } from '../../src/core/accuracy';
import { encodeSudoku, mergeSudokuViewTrace, viewSudokuBatch, type SudokuCsvRow, type SudokuView } from '../../src/core/tasks';
import { assertFiniteStep, type TrmEngine } from '../../src/core/trace';
import { createReadStream } from 'node:fs';

/** A Sudoku CSV row is under 200 characters; a longer line is not one (and would be held whole in memory). */
export const MAX_CSV_LINE_CHARS = 4096;

/** The file's text, read in chunks; refuses a line longer than `maxLine` as soon as it is seen. */
export async function readCsvText(file: string, maxLine = MAX_CSV_LINE_CHARS): Promise<string> {
  const parts: string[] = [];
  let lineNo = 1;
  let current = 0; // characters of the line being read
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }) as AsyncIterable<string>) {
    for (let i = 0; i < chunk.length; i++) {
      if (chunk.charCodeAt(i) === 10) {
        lineNo++;
        current = 0;
      } else if (++current > maxLine) {
        throw new Error(`${file}, line ${lineNo}: longer than ${maxLine} characters; not a Sudoku CSV row (question,answer or puzzle,solution)`);
      }
    }
    parts.push(chunk);
  }
  return parts.join('');
}

/** `batch` puzzles per solve; the engine must be built for batch·views.length rows. */
export async function evaluateSudokuRows(
  engine: TrmEngine, batch: number, rows: SudokuCsvRow[], puzzleId: number, steps: number, views: SudokuView[],
  onBatch?: (done: number, total: number) => void,
): Promise<AccuracyReport> {
  const tally = new AccuracyTally();
  for (let lo = 0; lo < rows.length; lo += batch) {
    const real = rows.slice(lo, lo + batch);
    // The engine is built for a fixed batch: pad the last one with copies of its final row, scored once.
    const padded = [...real, ...new Array<SudokuCsvRow>(batch - real.length).fill(real[real.length - 1])];
    const puzzles = concat(padded.map((r) => encodeSudoku(r.puzzle)));
    const tokens = views.length > 1 ? viewSudokuBatch(puzzles, views) : puzzles;
    const raw = await engine.solve({ tokens, puzzleIds: new Int32Array(batch * views.length).fill(puzzleId) }, { steps, onStep: assertFiniteStep });
    const trace = views.length > 1 ? mergeSudokuViewTrace(raw, views, puzzles) : raw;
    tally.add(trace, concat(real.map((r) => encodeSudoku(r.solution))), real.length);
    onBatch?.(lo + real.length, rows.length);
  }
  return tally.report();
}

export function sampleRows<T>(rows: T[], limit: number): T[] {
  return stridedRows(rows.length, limit).map((i) => rows[i]);
}

/** The report with evaluate.py's JSON key names. */
export function reportJson(r: AccuracyReport): Record<string, unknown> {
  return {
    n: r.n, exact_accuracy: r.exactAccuracy, token_accuracy: r.tokenAccuracy,
    exact_accuracy_per_step: r.exactAccuracyPerStep, mean_halting_step: r.meanHaltingStep, solved: r.solved,
  };
}

/** One line per source in evaluate.py's text layout. */
export function reportText(name: string, r: AccuracyReport, seconds: number): string {
  const curve = r.exactAccuracyPerStep.map((x) => x.toFixed(2)).join(' ');
  return `${name.padEnd(40)} n=${String(r.n).padStart(5)}  exact ${r.exactAccuracy.toFixed(4)}  token ${r.tokenAccuracy.toFixed(4)}  ` +
    `halting step ${r.meanHaltingStep.toFixed(1)}  (${seconds.toFixed(1)} s)\n    exact per step: ${curve}`;
}

function concat(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
