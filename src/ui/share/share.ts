// Share a puzzle by URL: #sudoku=<81 chars>, #maze=<2 bits per cell, base64url>, #arc=<deflated JSON, base64url>.
// Opening such a link loads the puzzle as a new undo step (the previous one stays one Ctrl+Z away).
import type { TaskKind } from '../../core/config';
import { useStore } from '../store';
import { MAZE_SIZE, type ArcPuzzle, type MazeText, type PuzzleOf } from '../store/puzzles';
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

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
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
    const json = new TextDecoder().decode(await pipe(fromBase64Url(data), new DecompressionStream('deflate-raw')));
    const arc = validArc(JSON.parse(json));
    return arc ? { task: 'arc', puzzle: arc } : null;
  } catch {
    return null;
  }
}

export async function applySharedHash() {
  const parsed = await parseShareHash(location.hash);
  if (!location.hash) return;
  const { edit, setSetting } = useStore.getState();
  if (parsed) {
    edit(parsed.task, parsed.puzzle);
    setSetting('task', parsed.task);
  }
  history.replaceState(null, '', location.pathname + location.search);
}
