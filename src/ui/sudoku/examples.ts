// A few example puzzles (each has one solution; tests/unit/ui-sudoku-examples.test.ts checks it).
export interface SudokuExample {
  label: string;
  level: 'easy' | 'hard';
  text: string;
}

export const SUDOKU_EXAMPLES: SudokuExample[] = [
  { label: 'Easy: classic', level: 'easy', text: '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79' },
  { label: 'Easy: symmetric', level: 'easy', text: '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..' },
  { label: 'Hard: Inkala', level: 'hard', text: '8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4..' },
  { label: 'Hard: 17-clue style', level: 'hard', text: '4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......' },
];
