// What comes back from storage or a share link is checked field by field: a bad field falls back to its default
// and the rest is kept; a link that is too long, or inflates without bound, is refused without touching anything.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_SHARE_HASH_CHARS, parseShareHash, shareHash } from '../../src/ui/share/share';
import { restorePuzzles, validArc } from '../../src/ui/store/restore';
import { DEFAULT_SETTINGS, restoreSettings } from '../../src/ui/store/settingsSlice';

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('restoreSettings', () => {
  it('keeps every valid field and drops each invalid one to its default', () => {
    const s = restoreSettings({ task: 'evil', arcColour: 99, speed: 8, engine: 'cpu', recordInner: 'yes', modelKeys: { maze: 'k', bogus: 'x' } });
    expect(s.task).toBe(DEFAULT_SETTINGS.task);
    expect(s.arcColour).toBe(DEFAULT_SETTINGS.arcColour);
    expect(s.recordInner).toBe(DEFAULT_SETTINGS.recordInner);
    expect(s.modelKeys).toEqual(DEFAULT_SETTINGS.modelKeys);
    expect(s.speed).toBe(8);
    expect(s.engine).toBe('cpu');
    expect(restoreSettings({ task: 'maze', modelKeys: { maze: 'k' } })).toMatchObject({ task: 'maze', modelKeys: { maze: 'k' } });
  });

  it('ignores what is not an object, and inherited names', () => {
    for (const saved of [null, 'x', 3, [1, 2], JSON.parse('{"__proto__": {"task": "arc"}}')]) expect(restoreSettings(saved)).toEqual(DEFAULT_SETTINGS);
  });
});

describe('stored puzzles', () => {
  it('an ARC task with more pairs than any real one is not restored', () => {
    const pair = { input: [[1]], output: [[2]] };
    expect(validArc({ name: 't', train: [pair], test: [{ input: [[1]] }] })).not.toBeNull();
    expect(validArc({ name: 't', train: Array(1000).fill(pair), test: [{ input: [[1]] }] })).toBeNull();
    expect(restorePuzzles('junk' as never)).toEqual({ sudoku: null, maze: null, arc: null });
  });
});

describe('share links', () => {
  it('round-trips an ARC task', async () => {
    const arc = { name: 'shared', source: 'drawn', train: [{ input: [[1, 2]], output: [[2, 1]] }], test: [{ input: [[3, 4]] }] };
    expect(await parseShareHash(await shareHash('arc', arc))).toEqual({ task: 'arc', puzzle: arc });
  });

  it('refuses a link longer than the limit, and one that inflates past the limit', async () => {
    expect(await parseShareHash(`#sudoku=${'1'.repeat(MAX_SHARE_HASH_CHARS)}`)).toBeNull();
    const bomb = deflateRawSync(Buffer.alloc(50 * 1024 * 1024, 0x20)); // 50 MB of spaces in ~50 KB
    expect(bomb.length).toBeLessThan(MAX_SHARE_HASH_CHARS);
    const t0 = performance.now();
    expect(await parseShareHash(`#arc=${b64url(bomb)}`)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
