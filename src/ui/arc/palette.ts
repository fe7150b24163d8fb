// The usual ARC colour palette, colours 0..9.
export const ARC_COLOURS = ['#000000', '#1e93ff', '#f93c31', '#4fcc30', '#ffdc00', '#999999', '#e53aa3', '#ff851b', '#87d8f1', '#921231'];
export const ARC_COLOUR_NAMES = ['black', 'blue', 'red', 'green', 'yellow', 'grey', 'magenta', 'orange', 'light blue', 'maroon'];

/** Draws an ARC grid with thin grid lines. */
export function paintArcGrid(ctx: CanvasRenderingContext2D, grid: number[][], size: number) {
  for (let r = 0; r < grid.length; r++)
    for (let c = 0; c < grid[r].length; c++) {
      ctx.fillStyle = ARC_COLOURS[grid[r][c]] ?? '#fff';
      ctx.fillRect(c * size, r * size, size, size);
    }
  if (size >= 6) {
    ctx.strokeStyle = 'rgba(148,163,184,0.35)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let r = 0; r <= grid.length; r++) {
      ctx.moveTo(0, r * size + 0.5);
      ctx.lineTo((grid[0]?.length ?? 0) * size, r * size + 0.5);
    }
    for (let c = 0; c <= (grid[0]?.length ?? 0); c++) {
      ctx.moveTo(c * size + 0.5, 0);
      ctx.lineTo(c * size + 0.5, grid.length * size);
    }
    ctx.stroke();
  }
}
