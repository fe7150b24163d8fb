import { GridCanvas } from '../common/GridCanvas';
import type { ArcGrid } from '../store/puzzles';
import { paintArcGrid } from './palette';

/** A small picture of a grid (decorative: its button carries the label). */
export function ArcThumb({ grid, maxCell = 5 }: { grid: ArcGrid; maxCell?: number }) {
  return (
    <div style={{ width: Math.max(grid.length, grid[0]?.length ?? 1) * maxCell }} aria-hidden>
      <GridCanvas rows={grid.length} cols={grid[0]?.length ?? 1} maxCell={maxCell} paint={(ctx, s) => paintArcGrid(ctx, grid, s)} label="" />
    </div>
  );
}
