// Maze editor: drag to paint or erase walls, place S and G, random hard maze, text import/export.
import { useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from '../store';
import { MAZE_SIZE, emptyMaze } from '../store/puzzles';
import { mazeCanvasOf } from '../../core/tasks/maze';
import type { MazeTool } from '../store/settingsSlice';
import { EditorFrame } from '../common/EditorFrame';
import { Button } from '../common/Button';
import { Notice } from '../common/Notice';
import { GridCanvas, moveCursor, type CellPhase } from '../common/GridCanvas';
import { paintMazeCell } from './colours';
import { generateMaze } from './generate';
import { mazeFromText, mazeProblems, mazeToText, setMazeCell } from './mazeText';
import { ToolGroup } from '../common/ToolGroup';

const TOOLS: { id: MazeTool; label: string; key: string }[] = [
  { id: 'wall', label: 'Wall', key: 'W' },
  { id: 'erase', label: 'Erase', key: 'E' },
  { id: 'start', label: 'Start S', key: 'S' },
  { id: 'goal', label: 'Goal G', key: 'G' },
];

function downloadText(name: string, text: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function MazeEditor() {
  const maze = useStore((s) => s.puzzles.maze.present);
  const edit = useStore((s) => s.edit);
  const tool = useStore((s) => s.settings.mazeTool);
  const setSetting = useStore((s) => s.setSetting);
  const [cursor, setCursor] = useState(MAZE_SIZE + 1);
  const [text, setText] = useState('');
  const [textOpen, setTextOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const strokeChar = useRef<'#' | ' ' | 'S' | 'G'>('#');
  const problems = mazeProblems(maze);
  const model = useStore((s) => s.models.maze);
  // A model with a smaller canvas than 30×30 reads only the top-left side×side: outline it.
  const modelSide = model ? mazeCanvasOf(model.config.seq_len) : null;
  const canvasSide = modelSide !== null && modelSide < MAZE_SIZE ? modelSide : null;

  const charFor = (cell: number): '#' | ' ' | 'S' | 'G' => {
    if (tool === 'wall') return maze[cell] === '#' ? ' ' : '#'; // a stroke that starts on a wall erases
    return tool === 'erase' ? ' ' : tool === 'start' ? 'S' : 'G';
  };

  const onCell = (cell: number, phase: CellPhase) => {
    if (phase === 'up') return;
    const current = useStore.getState().puzzles.maze.present;
    if (phase === 'down') {
      strokeChar.current = charFor(cell);
      setCursor(cell);
      edit('maze', setMazeCell(current, cell, strokeChar.current), 'push');
    } else if (strokeChar.current === '#' || strokeChar.current === ' ') {
      edit('maze', setMazeCell(current, cell, strokeChar.current), 'replace');
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const moved = moveCursor(e.key, cursor, MAZE_SIZE, MAZE_SIZE);
    const k = e.key.toLowerCase();
    if (moved !== null) setCursor(moved);
    else if (e.key === ' ' || e.key === 'Enter') edit('maze', setMazeCell(maze, cursor, charFor(cursor)));
    else if (k === 'w') edit('maze', setMazeCell(maze, cursor, '#'));
    else if (k === 's') edit('maze', setMazeCell(maze, cursor, 'S'));
    else if (k === 'g') edit('maze', setMazeCell(maze, cursor, 'G'));
    else if (e.key === 'Backspace' || e.key === 'Delete' || k === 'e') edit('maze', setMazeCell(maze, cursor, ' '));
    else return;
    e.preventDefault();
  };

  const paint = (ctx: CanvasRenderingContext2D, size: number) => {
    for (let i = 0; i < maze.length; i++) paintMazeCell(ctx, maze[i], (i % MAZE_SIZE) * size, Math.floor(i / MAZE_SIZE) * size, size);
    if (canvasSide !== null) {
      ctx.fillStyle = 'rgba(2, 6, 23, 0.55)'; // dim what the model does not read
      ctx.fillRect(canvasSide * size, 0, (MAZE_SIZE - canvasSide) * size, MAZE_SIZE * size);
      ctx.fillRect(0, canvasSide * size, canvasSide * size, (MAZE_SIZE - canvasSide) * size);
      ctx.strokeStyle = '#38bdf8';
      ctx.lineWidth = 2;
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(1, 1, canvasSide * size - 2, canvasSide * size - 2);
      ctx.setLineDash([]);
    }
  };

  const importText = () => {
    try {
      edit('maze', mazeFromText(text));
      setError(null);
      setTextOpen(false);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const cursorName = `row ${Math.floor(cursor / MAZE_SIZE) + 1}, column ${(cursor % MAZE_SIZE) + 1}`;
  const cursorWhat = { '#': 'wall', ' ': 'open', S: 'start', G: 'goal' }[maze[cursor]] ?? maze[cursor];

  const toolbar = (
    <div className="flex flex-wrap gap-2 items-center">
      <ToolGroup label="Maze tool" tools={TOOLS.map((t) => ({ id: t.id, label: t.label, title: `${t.label} (key ${t.key} on the grid)` }))} value={tool} onChange={(id) => setSetting('mazeTool', id)} />
      <Button onClick={() => edit('maze', generateMaze(Math.random, canvasSide ?? MAZE_SIZE))}>Random hard maze</Button>
      <Button onClick={() => edit('maze', emptyMaze())}>Clear</Button>
      <Button
        onClick={() => {
          setText(mazeToText(maze));
          setTextOpen((o) => !o);
        }}
        aria-expanded={textOpen}
      >
        Text…
      </Button>
    </div>
  );

  return (
    <EditorFrame task="maze" title="Maze 30×30" toolbar={toolbar}>
      <div
        className="max-w-[34rem]"
        onPaste={(e) => {
          // Ctrl+V on the grid reads a maze in its text form.
          const pasted = e.clipboardData.getData('text');
          if (!pasted.includes('\n')) return;
          e.preventDefault();
          try {
            edit('maze', mazeFromText(pasted));
            setError(null);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        <GridCanvas
          rows={MAZE_SIZE}
          cols={MAZE_SIZE}
          paint={paint}
          maxCell={18}
          cursor={cursor}
          onCell={onCell}
          onKeyDown={onKeyDown}
          role="application"
          roleDescription="maze editor"
          label={`Maze editor. Arrow keys move, Space applies the tool, W wall, E erase, S start, G goal, Ctrl+V pastes a maze as text. Cursor at ${cursorName}: ${cursorWhat}.`}
          testId="maze-editor"
          focusable
        />
      </div>
      <p className="text-xs text-slate-400" aria-live="polite">
        Cursor {cursorName}: {cursorWhat}. Drag to paint walls; a drag that starts on a wall erases.
      </p>
      {canvasSide !== null && (
        <p className="text-xs text-sky-300" data-testid="maze-canvas-note">
          The loaded model reads mazes of up to {canvasSide}×{canvasSide}: draw inside the outlined square, the rest stays wall.
          "Random hard maze" fits it; load a 30×30 model to use the whole grid.
        </p>
      )}
      {problems.length > 0 && (
        <Notice tone="warn" testId="maze-problems">
          {problems.join(' ')}
        </Notice>
      )}
      {textOpen && (
        <div className="flex flex-col gap-2">
          <label htmlFor="maze-text" className="text-sm text-slate-300">
            Text form: 30 lines of 30 characters (or a smaller square, placed top-left), # wall, space open, S start, G
            goal. Edit or paste, then Import.
          </label>
          <textarea
            id="maze-text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={10}
            spellCheck={false}
            className="font-mono text-[11px] leading-tight bg-slate-900 border border-slate-700 rounded p-2 whitespace-pre"
          />
          <div className="flex gap-2">
            <Button variant="primary" onClick={importText}>Import text</Button>
            <Button onClick={() => navigator.clipboard?.writeText(mazeToText(maze)).catch(() => undefined)}>Copy current maze</Button>
            <Button onClick={() => downloadText('maze.txt', mazeToText(maze) + '\n')}>Download .txt</Button>
          </div>
        </div>
      )}
      {error && <Notice tone="error">{error}</Notice>}
    </EditorFrame>
  );
}
