// Drawing predicted tokens: Sudoku digits, maze cells, ARC colours (PAD dark, EOS hatched).
import type { TaskKind } from '../../core/config';
import { MAZE_COLOURS } from '../maze/colours';
import { ARC_COLOURS } from '../arc/palette';

const MAZE_BY_TOKEN = ['#0b1120', MAZE_COLOURS['#'], MAZE_COLOURS[' '], MAZE_COLOURS.S, MAZE_COLOURS.G, MAZE_COLOURS.o];

export interface PaintOptions {
  /** Sudoku: cells given in the puzzle (drawn bold white). */
  givens?: ArrayLike<number>;
  changed?: Uint8Array;
  wrong?: Set<number>;
  violations?: Set<number>;
}

export function paintTokens(
  ctx: CanvasRenderingContext2D,
  task: TaskKind,
  cols: number,
  tokens: ArrayLike<number>,
  size: number,
  o: PaintOptions = {},
) {
  for (let i = 0; i < tokens.length; i++) {
    const x = (i % cols) * size;
    const y = Math.floor(i / cols) * size;
    const t = tokens[i];
    if (task === 'sudoku') {
      ctx.fillStyle = o.violations?.has(i) ? '#4c0519' : '#0f172a';
      ctx.fillRect(x, y, size, size);
      const given = o.givens && o.givens[i] > 0;
      if (t >= 2) {
        ctx.fillStyle = o.wrong?.has(i) ? '#fb7185' : given ? '#ffffff' : '#7dd3fc';
        ctx.font = `${given ? 'bold ' : ''}${Math.floor(size * 0.6)}px system-ui, sans-serif`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(String(t - 1), x + size / 2, y + size / 2 + 1);
      }
    } else if (task === 'maze') {
      ctx.fillStyle = MAZE_BY_TOKEN[t] ?? '#000';
      ctx.fillRect(x, y, size, size);
    } else {
      ctx.fillStyle = t >= 2 ? ARC_COLOURS[t - 2] : t === 1 ? '#cbd5e1' : '#0b1120';
      ctx.fillRect(x, y, size, size);
      if (t === 1 && size >= 6) {
        ctx.strokeStyle = '#64748b';
        ctx.beginPath();
        ctx.moveTo(x, y + size);
        ctx.lineTo(x + size, y);
        ctx.stroke();
      }
    }
    if (o.wrong?.has(i) && task !== 'sudoku') {
      // A red corner mark: visible on every colour without hiding the predicted cell.
      const m = Math.max(3, size * 0.45);
      ctx.fillStyle = '#f43f5e';
      ctx.beginPath();
      ctx.moveTo(x + size - m, y);
      ctx.lineTo(x + size, y);
      ctx.lineTo(x + size, y + m);
      ctx.closePath();
      ctx.fill();
    }
  }
  if (o.changed) {
    ctx.strokeStyle = '#22d3ee'; // cyan: distinct from the maze path (amber) and wrong cells (red)
    ctx.lineWidth = Math.max(1.5, size / 10);
    for (let i = 0; i < tokens.length; i++)
      if (o.changed[i]) ctx.strokeRect((i % cols) * size + 1, Math.floor(i / cols) * size + 1, size - 2, size - 2);
  }
  if (task === 'sudoku') paintSudokuLines(ctx, size);
}

function paintSudokuLines(ctx: CanvasRenderingContext2D, size: number) {
  for (let k = 0; k <= 9; k++) {
    ctx.strokeStyle = k % 3 === 0 ? '#cbd5e1' : '#334155';
    ctx.lineWidth = k % 3 === 0 ? 2 : 1;
    ctx.beginPath();
    ctx.moveTo(k * size, 0);
    ctx.lineTo(k * size, 9 * size);
    ctx.moveTo(0, k * size);
    ctx.lineTo(9 * size, k * size);
    ctx.stroke();
  }
}

export function paintHeat(ctx: CanvasRenderingContext2D, cols: number, values: Float32Array, size: number, colour: (p: number) => string) {
  for (let i = 0; i < values.length; i++) {
    ctx.fillStyle = colour(values[i]);
    ctx.fillRect((i % cols) * size, Math.floor(i / cols) * size, size, size);
  }
}
