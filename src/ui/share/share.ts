// Share a puzzle by URL: #sudoku=<81 chars>, #maze=<2 bits per cell, base64url>, #arc=<deflated JSON, base64url>.
// Opening such a link loads the puzzle as a new undo step (the previous one stays one Ctrl+Z away).
import type { TaskKind } from '../../core/config';
import { useStore } from '../store';
import { MAZE_SIZE, type ArcPuzzle, type MazeText, type PuzzleOf } from '../store/puzzles';
import { useNotices } from '../store/notices';
import { validArc, validMaze, validSudoku } from '../store/restore';

const MAZE_CHARS = '# SG';

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

/** The longest share link read (an ARC task of 10 pairs of 30×30 grids deflates to a few KB). */
export const MAX_SHARE_HASH_CHARS = 64 * 1024;
/** The most an #arc= link may inflate to: its JSON, far above any real task. */
export const MAX_SHARED_ARC_BYTES = 1024 * 1024;

/** The stream's output, stopped with an error once it passes `maxBytes` (a small link can inflate to gigabytes). */
async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, maxBytes = Infinity): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`inflates to more than ${maxBytes} bytes`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

export function packMaze(m: MazeText): string {
  const bytes = new Uint8Array(Math.ceil(m.length / 4));
  for (let i = 0; i < m.length; i++) bytes[i >> 2] |= MAZE_CHARS.indexOf(m[i]) << ((i & 3) * 2);
  return toBase64Url(bytes);
}

export function unpackMaze(text: string): MazeText | null {
  const bytes = fromBase64Url(text);
  let m = '';
  for (let i = 0; i < MAZE_SIZE * MAZE_SIZE; i++) m += MAZE_CHARS[(bytes[i >> 2] >> ((i & 3) * 2)) & 3] ?? '#';
  return validMaze(m);
}

export async function shareHash(task: TaskKind, puzzle: PuzzleOf[TaskKind]): Promise<string> {
  if (task === 'sudoku') return `#sudoku=${(puzzle as number[]).map((d) => (d ? String(d) : '.')).join('')}`;
  if (task === 'maze') return `#maze=${packMaze(puzzle as MazeText)}`;
  const json = new TextEncoder().encode(JSON.stringify(puzzle as ArcPuzzle));
  return `#arc=${toBase64Url(await pipe(json, new CompressionStream('deflate-raw')))}`;
}

export async function parseShareHash(hash: string): Promise<{ task: TaskKind; puzzle: PuzzleOf[TaskKind] } | null> {
  if (hash.length > MAX_SHARE_HASH_CHARS) return null;
  const m = /^#(sudoku|maze|arc)=(.+)$/.exec(hash);
  if (!m) return null;
  const [, task, data] = m;
  try {
    if (task === 'sudoku') {
      const cells = validSudoku(Array.from(decodeURIComponent(data), (ch) => (ch >= '1' && ch <= '9' ? Number(ch) : 0)));
      return cells ? { task, puzzle: cells } : null;
    }
    if (task === 'maze') {
      const maze = unpackMaze(data);
      return maze ? { task, puzzle: maze } : null;
    }
    const json = new TextDecoder().decode(await pipe(fromBase64Url(data), new DecompressionStream('deflate-raw'), MAX_SHARED_ARC_BYTES));
    const arc = validArc(JSON.parse(json));
    return arc ? { task: 'arc', puzzle: arc } : null;
  } catch {
    return null;
  }
}

/** Opens the puzzle of a share link once: the hash is cleared first, so a link that fails is never applied again. */
export async function applySharedHash() {
  const hash = location.hash;
  if (!/^#(sudoku|maze|arc)=/.test(hash)) return;
  history.replaceState(null, '', location.pathname + location.search);
  const parsed = await parseShareHash(hash);
  if (!parsed) {
    useNotices
      .getState()
      .show('share', hash.length > MAX_SHARE_HASH_CHARS
        ? `The shared link is ${hash.length} characters long, more than the ${MAX_SHARE_HASH_CHARS} read; your puzzles are unchanged.`
        : 'The shared link could not be read (it is cut short or damaged); your puzzles are unchanged.');
    return;
  }
  useNotices.getState().dismiss('share');
  const { edit, setSetting } = useStore.getState();
  edit(parsed.task, parsed.puzzle);
  setSetting('task', parsed.task);
}
