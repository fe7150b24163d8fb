// Sudoku CSV files in either layout that training/data/sudoku_csv.py reads: the official columns
// `source,question,answer,rating` (Sudoku-Extreme) or the benchmark files' `puzzle,solution`.
import { TaskInputError } from './errors';
import { parseSudoku, type SudokuGrid } from './sudoku';

export interface SudokuCsvRow {
  puzzle: SudokuGrid;
  solution: SudokuGrid;
}

export function parseSudokuCsv(text: string, what = 'Sudoku CSV'): SudokuCsvRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new TaskInputError(`${what} is empty`);
  const header = splitCsvLine(lines[0]);
  const pick = (q: string, a: string) => (header.includes(q) && header.includes(a) ? [header.indexOf(q), header.indexOf(a)] : null);
  const cols = pick('question', 'answer') ?? pick('puzzle', 'solution');
  if (!cols) throw new TaskInputError(`${what}: expected columns question,answer (official) or puzzle,solution (benchmark), got ${header.join(',')}`);
  return lines.slice(1).map((line, i) => {
    const fields = splitCsvLine(line);
    try {
      return { puzzle: parseSudoku(fields[cols[0]] ?? ''), solution: parseSudoku(fields[cols[1]] ?? '') };
    } catch (e) {
      throw new TaskInputError(`${what}, line ${i + 2}: ${(e as Error).message}`);
    }
  });
}

// The grids hold no commas, so quotes around a field are the only CSV syntax these files use.
function splitCsvLine(line: string): string[] {
  return line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
}
