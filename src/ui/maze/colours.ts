// Maze cell colours, shared by the editor and the visualizer.
export const MAZE_COLOURS: Record<string, string> = {
  '#': '#334155',
  ' ': '#e2e8f0',
  S: '#16a34a',
  G: '#dc2626',
  o: '#f59e0b',
};

export function paintMazeCell(ctx: CanvasRenderingContext2D, ch: string, x: number, y: number, size: number) {
  ctx.fillStyle = MAZE_COLOURS[ch] ?? '#000';
  ctx.fillRect(x, y, size, size);
  if ((ch === 'S' || ch === 'G') && size >= 10) {
    ctx.fillStyle = '#fff';
    ctx.font = `bold ${Math.floor(size * 0.7)}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(ch, x + size / 2, y + size / 2 + 1);
  }
}
