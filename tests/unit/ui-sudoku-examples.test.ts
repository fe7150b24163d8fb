import { describe, expect, it } from 'vitest';
import { parseSudoku, solveSudoku, sudokuConflicts } from '../../src/core/tasks/sudoku';
import { SUDOKU_EXAMPLES } from '../../src/ui/sudoku/examples';
import { generateSudoku } from '../../src/ui/sudoku/generate';
import { seededRandom } from '../../src/core/random';

describe('sudoku examples and generator', () => {
  it.each(SUDOKU_EXAMPLES.map((e) => [e.label, e.text]))('%s has exactly one solution', (_label, text) => {
    expect(solveSudoku(parseSudoku(text), 2)).toHaveLength(1);
  });

  it.each(['easy', 'hard'] as const)('a generated %s puzzle is proper and conflict-free', (level) => {
    const grid = generateSudoku(level, seededRandom(level === 'easy' ? 1 : 2));
    expect(sudokuConflicts(grid)).toEqual([]);
    expect(solveSudoku(grid, 2)).toHaveLength(1);
    const clues = grid.filter((v) => v).length;
    if (level === 'easy') expect(clues).toBeGreaterThanOrEqual(36);
    else expect(clues).toBeLessThan(36);
  });
});
