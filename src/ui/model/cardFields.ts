// Reads the loosely shaped model card (models/<name>.json or the weights' "card" metadata) into display rows.
import type { ModelCard } from '../../core/bundle';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function cardCommand(card: ModelCard): string | undefined {
  if (typeof card.command === 'string') return card.command;
  const list = card.commands;
  if (Array.isArray(list) && list.length) return list.filter((c) => typeof c === 'string').join('\n');
  return undefined;
}

export function cardTrainedOn(card: ModelCard): string | undefined {
  const t = card.trained_on as unknown; // a string, or the training helper's object
  if (typeof t === 'string') return t;
  if (!isObject(t)) return undefined;
  const parts: string[] = [];
  if (typeof t.data === 'string') parts.push(t.data);
  const build = isObject(t.build) ? t.build : undefined;
  if (build && typeof build.train_examples === 'number') parts.push(`${build.train_examples.toLocaleString('en')} training examples`);
  return parts.join(', ') || undefined;
}

export function cardTrainingTime(card: ModelCard): string | undefined {
  if (typeof card.wall_time === 'string') return card.wall_time as string;
  const parts: string[] = [];
  if (typeof card.train_minutes === 'number') parts.push(`${card.train_minutes.toFixed(1)} min`);
  if (typeof card.trained_steps === 'number') parts.push(`${card.trained_steps} steps`);
  return parts.join(', ') || undefined;
}

function resultRows(results: Record<string, unknown>, suffix: string): [string, string][] {
  const rows: [string, string][] = [];
  for (const [split, r] of Object.entries(results)) {
    if (!isObject(r)) continue;
    const bits: string[] = [];
    if (typeof r.exact_accuracy === 'number') bits.push(`${pct(r.exact_accuracy)} puzzles exact`);
    if (typeof r.token_accuracy === 'number') bits.push(`${pct(r.token_accuracy)} cells`);
    if (typeof r.n === 'number') bits.push(`n = ${r.n}`);
    if (bits.length) rows.push([split + suffix, bits.join(', ')]);
  }
  return rows;
}

/**
 * Accuracy rows: per evaluated split (exact puzzles and cells), then per split with test-time views
 * (`with_views`: the app's Tries), or plain numbers/strings.
 */
export function cardAccuracy(card: ModelCard): [string, string][] {
  const acc = card.accuracy;
  if (!isObject(acc)) return [];
  if (isObject(acc.results)) {
    const views = acc.with_views;
    const withViews = isObject(views) && isObject(views.results) ? resultRows(views.results, `, ${String(views.views)} tries`) : [];
    return [...resultRows(acc.results, ''), ...withViews];
  }
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(acc)) {
    if (typeof v === 'number') rows.push([k, v <= 1 ? pct(v) : String(v)]);
    else if (typeof v === 'string') rows.push([k, v]);
  }
  return rows;
}

/** One row of the compact accuracy table: a split, its one-pass exact accuracy and, when known, with tries. */
export interface AccuracySummary {
  split: string;
  onePass?: number;
  withTries?: number;
  n?: number;
}

const shortSplit = (name: string) => name.replace(/^.*\//, '').replace(/\.csv$/, '').replace(/^heldout_/, 'held-out ');

/** Exact accuracy per split, one pass beside the card's tries (the numbers `cardAccuracy` lists row by row). */
export function cardAccuracySummary(card: ModelCard): { rows: AccuracySummary[]; tries?: number } {
  const acc = card.accuracy;
  if (!isObject(acc) || !isObject(acc.results)) return { rows: [] };
  const rows = new Map<string, AccuracySummary>();
  const add = (results: Record<string, unknown>, key: 'onePass' | 'withTries') => {
    for (const [split, r] of Object.entries(results)) {
      if (!isObject(r) || typeof r.exact_accuracy !== 'number') continue;
      const name = shortSplit(split);
      const row = rows.get(name) ?? { split: name };
      row[key] = r.exact_accuracy;
      if (key === 'onePass' && typeof r.n === 'number') row.n = r.n;
      rows.set(name, row);
    }
  };
  add(acc.results, 'onePass');
  const views = acc.with_views;
  let tries: number | undefined;
  if (isObject(views) && isObject(views.results)) {
    add(views.results, 'withTries');
    tries = typeof views.views === 'number' ? views.views : undefined;
  }
  return { rows: [...rows.values()], tries };
}

/**
 * Why a model is weak, in a sentence, or null: its card says WEAK, or nothing it was evaluated on is ever
 * answered exactly. The app says this before the user solves.
 */
export function cardWeakness(card: ModelCard | undefined): string | null {
  if (!card) return null;
  const notes = typeof card.notes === 'string' ? card.notes : '';
  const { rows } = cardAccuracySummary(card);
  const best = Math.max(-1, ...rows.flatMap((r) => [r.onePass ?? -1, r.withTries ?? -1]));
  if (/^WEAK\b/.test(notes) || (rows.length > 0 && best <= 0)) {
    // The sentences of the notes that say what is wrong (a score of 0%, copying), not how it was trained.
    const sentences = notes.replace(/^WEAK[^:]*:\s*/, '').split(/(?<=\.)\s+/);
    const telling = sentences.filter((t) => /\b0%|cop(y|ies)|no path|cannot|none\b/i.test(t)).slice(0, 2);
    const said = (telling.length ? telling : sentences.slice(0, 1)).join(' ');
    const zero = rows.length > 0 && best <= 0 && !/\b0%/.test(said) ? 'It answered none of its held-out puzzles exactly (0%).' : '';
    return [said, zero].filter(Boolean).join(' ');
  }
  return null;
}

/** A plain line: how good the model is, from its accuracy table. */
export function cardVerdict(card: ModelCard): string | null {
  const { rows, tries } = cardAccuracySummary(card);
  if (!rows.length) return null;
  const pctOf = (v?: number) => (v === undefined ? '–' : `${+(v * 100).toFixed(1)}%`);
  const parts = rows.slice(0, 3).map((r) => `${r.split} ${pctOf(r.onePass)}${r.withTries !== undefined ? ` (${pctOf(r.withTries)} with ${tries ?? 'several'} tries)` : ''}`);
  return `Exact answers: ${parts.join(', ')}${rows.length > 3 ? `, and ${rows.length - 3} more below` : ''}.`;
}
