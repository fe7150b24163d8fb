// The bundled public ARC tasks (public/arc/, built by scripts/build-arc-gallery.ts).
import type { ArcGrid, ArcPuzzle } from '../store/puzzles';

export interface GallerySet {
  id: string;
  label: string;
  file: string;
  tasks: number;
}

type Compact = { train: string[][][]; test: string[][][] };
const cache = new Map<string, Promise<Record<string, Compact>>>();

const grid = (rows: string[]): ArcGrid => rows.map((r) => Array.from(r, (ch) => ch.charCodeAt(0) - 48));

function url(file: string) {
  return `${import.meta.env.BASE_URL}arc/${file}`;
}

export async function gallerySets(): Promise<GallerySet[]> {
  const res = await fetch(url('index.json'));
  if (!res.ok) throw new Error(`The ARC gallery index could not be loaded (HTTP ${res.status}).`);
  return ((await res.json()) as { sets: GallerySet[] }).sets;
}

export function galleryTasks(set: GallerySet): Promise<Record<string, Compact>> {
  let p = cache.get(set.id);
  if (!p) {
    p = fetch(url(set.file)).then(async (res) => {
      if (!res.ok) throw new Error(`The ARC set ${set.label} could not be loaded (HTTP ${res.status}).`);
      return ((await res.json()) as { tasks: Record<string, Compact> }).tasks;
    });
    p.catch(() => cache.delete(set.id));
    cache.set(set.id, p);
  }
  return p;
}

export function galleryPuzzle(set: GallerySet, id: string, t: Compact): ArcPuzzle {
  return {
    name: id,
    source: `gallery:${set.id}`,
    train: t.train.map(([i, o]) => ({ input: grid(i), output: grid(o) })),
    test: t.test.map(([i, o]) => (o ? { input: grid(i), output: grid(o) } : { input: grid(i) })),
  };
}
