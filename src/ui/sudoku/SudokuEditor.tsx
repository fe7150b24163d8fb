// Sudoku editor: click or arrow keys, digits to set, Backspace/Delete/0/. to clear, paste 81 characters.
import { useMemo, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { formatSudoku, parseSudoku, sudokuConflicts } from '../../core/tasks/sudoku';
import { useStore } from '../store';
import { emptySudoku } from '../store/puzzles';
import { EditorFrame } from '../common/EditorFrame';
import { Button } from '../common/Button';
import { Notice } from '../common/Notice';
import { SUDOKU_EXAMPLES } from './examples';
import { generateSudoku } from './generate';

const MOVES: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

export function SudokuEditor() {
  const cells = useStore((s) => s.puzzles.sudoku.present);
  const edit = useStore((s) => s.edit);
  const [cursor, setCursor] = useState(0);
  const [pasteText, setPasteText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const conflicts = useMemo(() => new Set(sudokuConflicts(cells)), [cells]);

  const focusCell = (i: number) => {
    setCursor(i);
    gridRef.current?.querySelector<HTMLElement>(`[data-cell="${i}"]`)?.focus();
  };
  const setCell = (i: number, v: number) => {
    if (cells[i] === v) return;
    const next = cells.slice();
    next[i] = v;
    edit('sudoku', next);
  };
  const load = (text: string) => {
    try {
      edit('sudoku', parseSudoku(text));
      setError(null);
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    }
  };

  const onKeyDown = (e: KeyboardEvent, i: number) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const r = Math.floor(i / 9);
    const c = i % 9;
    if (MOVES[e.key]) {
      const [dr, dc] = MOVES[e.key];
      focusCell(((r + dr + 9) % 9) * 9 + ((c + dc + 9) % 9));
    } else if (e.key >= '1' && e.key <= '9') setCell(i, Number(e.key));
    else if (['Backspace', 'Delete', '0', '.', ' '].includes(e.key)) setCell(i, 0);
    else if (e.key === 'Home') focusCell(r * 9);
    else if (e.key === 'End') focusCell(r * 9 + 8);
    else return;
    e.preventDefault();
  };

  const onPaste = (e: ClipboardEvent) => {
    const text = e.clipboardData.getData('text');
    if (text.replace(/[\s|+-]/g, '').length >= 81) {
      e.preventDefault();
      load(text);
    }
  };

  const filled = cells.filter((v) => v).length;
  const toolbar = (
    <div className="flex flex-wrap gap-2 items-center">
      <label className="sr-only" htmlFor="sudoku-example">Example puzzle</label>
      <select
        id="sudoku-example"
        className="bg-slate-800 border border-slate-700 rounded px-2 py-1 text-sm"
        value=""
        onChange={(e) => e.target.value && load(e.target.value)}
      >
        <option value="">Examples…</option>
        {SUDOKU_EXAMPLES.map((x) => (
          <option key={x.label} value={x.text}>{x.label}</option>
        ))}
      </select>
      <Button onClick={() => edit('sudoku', generateSudoku('easy'))}>Random easy</Button>
      <Button onClick={() => edit('sudoku', generateSudoku('hard'))}>Random hard</Button>
      <Button onClick={() => edit('sudoku', emptySudoku())}>Clear</Button>
      <Button onClick={() => navigator.clipboard?.writeText(formatSudoku(cells)).catch(() => undefined)} title="Copy the 81-character form">
        Copy text
      </Button>
    </div>
  );

  return (
    <EditorFrame task="sudoku" title="Sudoku puzzle" toolbar={toolbar}>
      <div
        ref={gridRef}
        role="grid"
        aria-label="Sudoku grid: arrow keys move, digits 1 to 9 fill, Backspace clears"
        aria-rowcount={9}
        aria-colcount={9}
        onPaste={onPaste}
        className="grid grid-cols-9 grid-rows-9 w-full max-w-[26rem] aspect-square border-2 border-slate-300 select-none"
      >
        {Array.from({ length: 9 }, (_, r) => (
          <div role="row" key={r} className="contents">
            {Array.from({ length: 9 }, (_, c) => {
              const i = r * 9 + c;
              const v = cells[i];
              const bad = conflicts.has(i);
              const border = `${c % 3 === 2 && c < 8 ? 'border-r-2 border-r-slate-300' : 'border-r border-r-slate-700'} ${
                r % 3 === 2 && r < 8 ? 'border-b-2 border-b-slate-300' : 'border-b border-b-slate-700'
              }`;
              return (
                <div
                  role="gridcell"
                  key={c}
                  data-cell={i}
                  tabIndex={i === cursor ? 0 : -1}
                  aria-label={`Row ${r + 1}, column ${c + 1}: ${v || 'empty'}${bad ? ', conflicts with another cell' : ''}`}
                  aria-invalid={bad || undefined}
                  onClick={() => focusCell(i)}
                  onFocus={() => setCursor(i)}
                  onKeyDown={(e) => onKeyDown(e, i)}
                  className={`flex items-center justify-center text-xl font-semibold cursor-pointer outline-none ${border}
                    focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-sky-400 focus:bg-sky-900/50
                    ${bad ? 'bg-rose-900/70 text-rose-100' : 'text-slate-100'}`}
                >
                  {v || ''}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <p className="text-xs text-slate-400" aria-live="polite">
        {filled} givens{conflicts.size ? ` · ${conflicts.size} cells in conflict (red)` : ''}
      </p>
      {conflicts.size > 0 && (
        <Notice tone="warn" testId="sudoku-conflict">
          Some givens break the rules (same digit twice in a row, column or box). The model will still try if you insist.
        </Notice>
      )}
      <form
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (load(pasteText)) setPasteText('');
        }}
      >
        <label htmlFor="sudoku-paste" className="sr-only">Paste 81 characters</label>
        <input
          id="sudoku-paste"
          value={pasteText}
          onChange={(e) => setPasteText(e.target.value)}
          placeholder="Paste 81 characters: digits, . or 0 for blanks"
          className="flex-1 min-w-0 bg-slate-900 border border-slate-700 rounded px-2 py-1 text-sm font-mono"
        />
        <Button type="submit">Load text</Button>
      </form>
      {error && <Notice tone="error">{error}</Notice>}
    </EditorFrame>
  );
}
