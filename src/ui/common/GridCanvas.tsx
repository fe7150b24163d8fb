// A square-celled grid drawn on a canvas (mazes and ARC grids have up to 900 cells): sizes itself to its
// container, maps pointer positions to cells, draws a keyboard cursor and shows a tooltip on hover.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';

export type CellPhase = 'down' | 'move' | 'up';

export interface GridCanvasProps {
  rows: number;
  cols: number;
  /** Draws the whole grid; cell (r, c) spans [c·size, (c+1)·size) × [r·size, (r+1)·size). */
  paint: (ctx: CanvasRenderingContext2D, size: number) => void;
  /** Largest cell size in CSS pixels. */
  maxCell?: number;
  /** Cell index (r·cols + c) to outline as the keyboard cursor. */
  cursor?: number | null;
  onCell?: (cell: number, phase: CellPhase) => void;
  /** Text shown beside the pointer over a cell (exact numbers). */
  describe?: (cell: number) => string | null;
  onKeyDown?: (e: KeyboardEvent<HTMLCanvasElement>) => void;
  label: string;
  role?: string;
  roleDescription?: string;
  testId?: string;
  focusable?: boolean;
}

export function GridCanvas(p: GridCanvasProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const [focused, setFocused] = useState(false);
  const dragging = useRef(false);
  const lastCell = useRef(-1);

  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  const size = Math.max(4, Math.min(p.maxCell ?? 40, Math.floor(width / Math.max(p.cols, p.rows || 1))));
  const cssW = size * p.cols;
  const cssH = size * p.rows;

  useEffect(() => {
    const cv = canvas.current;
    if (!cv || !width) return;
    const dpr = window.devicePixelRatio || 1;
    cv.width = Math.round(cssW * dpr);
    cv.height = Math.round(cssH * dpr);
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    p.paint(ctx, size);
    if (focused && p.cursor != null && p.cursor >= 0) {
      const r = Math.floor(p.cursor / p.cols);
      const c = p.cursor % p.cols;
      ctx.strokeStyle = '#38bdf8';
      ctx.lineWidth = Math.max(2, size / 8);
      ctx.strokeRect(c * size + 1, r * size + 1, size - 2, size - 2);
    }
  });

  const cellAt = (e: PointerEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    const c = Math.floor(((e.clientX - rect.left) / rect.width) * p.cols);
    const r = Math.floor(((e.clientY - rect.top) / rect.height) * p.rows);
    if (r < 0 || c < 0 || r >= p.rows || c >= p.cols) return -1;
    return r * p.cols + c;
  };

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!p.onCell || e.button !== 0) return;
    const cell = cellAt(e);
    if (cell < 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    dragging.current = true;
    lastCell.current = cell;
    p.onCell(cell, 'down');
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const cell = cellAt(e);
    if (p.describe && cell >= 0) {
      const text = p.describe(cell);
      const rect = wrap.current!.getBoundingClientRect();
      setTip(text ? { x: e.clientX - rect.left, y: e.clientY - rect.top + 14, text } : null);
    }
    if (dragging.current && p.onCell && cell >= 0 && cell !== lastCell.current) {
      lastCell.current = cell;
      p.onCell(cell, 'move');
    }
  };
  const endDrag = () => {
    if (dragging.current && p.onCell) p.onCell(lastCell.current, 'up');
    dragging.current = false;
  };

  return (
    <div ref={wrap} className="relative w-full">
      <canvas
        ref={canvas}
        data-testid={p.testId}
        role={p.role ?? 'img'}
        aria-roledescription={p.roleDescription}
        aria-label={p.label}
        tabIndex={p.focusable ? 0 : undefined}
        style={{ width: cssW, height: cssH, touchAction: 'none' }}
        className="block rounded-sm outline-none focus-visible:ring-2 focus-visible:ring-sky-400 focus-visible:ring-offset-2 focus-visible:ring-offset-slate-950"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onPointerLeave={() => setTip(null)}
        onKeyDown={p.onKeyDown}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
      />
      {tip && <Tooltip x={tip.x} y={tip.y} text={tip.text} container={wrap} />}
    </div>
  );
}

/** Arrow-key movement on a rows×cols grid; returns the new cell or null when the key is not an arrow. */
export function moveCursor(key: string, cell: number, rows: number, cols: number): number | null {
  const r = Math.floor(cell / cols);
  const c = cell % cols;
  switch (key) {
    case 'ArrowUp': return Math.max(0, r - 1) * cols + c;
    case 'ArrowDown': return Math.min(rows - 1, r + 1) * cols + c;
    case 'ArrowLeft': return r * cols + Math.max(0, c - 1);
    case 'ArrowRight': return r * cols + Math.min(cols - 1, c + 1);
    default: return null;
  }
}

/** A tooltip right of the pointer, or left of it where the window's right edge would cut it. */
function Tooltip({ x, y, text, container }: { x: number; y: number; text: string; container: React.RefObject<HTMLDivElement | null> }) {
  const el = useRef<HTMLDivElement>(null);
  const [left, setLeft] = useState(x + 14);
  useLayoutEffect(() => {
    const w = el.current?.offsetWidth ?? 0;
    const origin = container.current?.getBoundingClientRect().left ?? 0;
    const right = origin + x + 14 + w;
    // Flip to the left of the pointer when the right edge would pass the window's, never past its left edge.
    setLeft(right > window.innerWidth - 4 ? Math.max(4 - origin, x - 14 - w) : x + 14);
  }, [x, text, container]);
  return (
    <div
      ref={el}
      role="tooltip"
      className="pointer-events-none absolute z-20 whitespace-pre rounded bg-slate-900/95 border border-slate-600 px-2 py-1 text-xs font-mono text-slate-100 shadow-lg"
      style={{ left, top: y }}
    >
      {text}
    </div>
  );
}
