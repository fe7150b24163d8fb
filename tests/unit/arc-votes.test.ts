import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeArcGrid, encodeArcGrid, type ArcGrid } from '../../src/core/tasks/arc';
import { arcCopies, arcCopyRows, augmentArcGrid, parseCopyName, restoreArcGrid, voteArcStep, type ArcCopy } from '../../src/core/tasks/arc-votes';
import type { StepTrace } from '../../src/core/trace';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/arc-augment.json', import.meta.url), 'utf8')) as {
  task: string;
  grid: ArcGrid;
  cases: { name: string; augmented: ArcGrid }[];
};

describe('ARC augmented copies', () => {
  it('augments like training/data/arc_aug.py (tests/fixtures/arc-augment.json) and restores exactly', () => {
    expect(fixture.cases.map((c) => parseCopyName(c.name)!.tid).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const c of fixture.cases) {
      const copy = parseCopyName(c.name)!;
      expect(copy.task).toBe(fixture.task);
      expect(augmentArcGrid(fixture.grid, copy)).toEqual(c.augmented);
      expect(restoreArcGrid(c.augmented, copy)).toEqual(fixture.grid);
    }
  });
  it('parses table names and lists a task’s rows, the un-augmented one first', () => {
    expect(parseCopyName('abc|||t9|||0123456789')).toBeNull();
    expect(parseCopyName('abc|||t1|||012')).toBeNull();
    expect(parseCopyName('abc')).toEqual({ task: 'abc', tid: 0, perm: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) });
    const names = ['<blank>', 'abc|||t1|||0213456789', 'xyz', 'abc', 'abc|||t4|||0123456798', 'xyz|||t2|||0123456789'];
    expect(arcCopies(names, 'abc').map((c) => c.row)).toEqual([3, 1, 4]);
    expect(arcCopies(names, 'nope')).toEqual([]);
  });
});

describe('voting over copies (docs/spec.md §7.3)', () => {
  const canvas = 5;
  const input: ArcGrid = [
    [1, 2],
    [3, 0],
  ];
  const right: ArcGrid = [
    [2, 1],
    [0, 3],
  ];
  const wrong: ArcGrid = [[7]];
  const copies: ArcCopy[] = fixture.cases.slice(0, 4).map((c, k) => ({ row: 10 + k, ...parseCopyName(c.name)! }));
  /** A step whose copy k answers `answers[k]` (in the task's frame; written as copy k sees it) with q_halt `q[k]`. */
  const step = (answers: ArcGrid[], q: number[]): StepTrace => {
    const n = canvas * canvas;
    const preds = new Int32Array(copies.length * n);
    answers.forEach((a, k) => preds.set(encodeArcGrid(augmentArcGrid(a, copies[k]), { canvas }), k * n));
    return { step: 3, preds, confidence: new Float32Array(preds.length), qHalt: Float32Array.from(q), qContinue: Float32Array.from(q, (x) => -x) };
  };

  it('encodes each copy’s view of the input with its own embedding row', () => {
    const { tokens, puzzleIds } = arcCopyRows(input, copies, canvas);
    expect(Array.from(puzzleIds)).toEqual([10, 11, 12, 13]);
    copies.forEach((c, k) => expect(restoreArcGrid(decodeArcGrid(tokens.subarray(k * 25, (k + 1) * 25)), c)).toEqual(input));
  });
  it('answers with the most votes once mapped back, and the agreement as confidence', () => {
    const v = voteArcStep(step([wrong, right, right, wrong], [3, 1, 2, -1]), copies, canvas);
    expect(v.views).toEqual({ count: 4, shown: Int32Array.of(2), valid: Int32Array.of(2) }); // a 2–2 tie: right's mean q is higher
    expect(decodeArcGrid(v.preds)).toEqual(right);
    expect(v.qHalt[0]).toBe(2);
    expect(v.confidence[0]).toBe(0.5); // cell (0,0): 2 of 4 copies answer colour 2 there
    const three = voteArcStep(step([wrong, right, right, right], [9, -1, -2, -3]), copies, canvas);
    expect(decodeArcGrid(three.preds)).toEqual(right);
    expect(three.views!.valid[0]).toBe(3);
    const tieToWrong = voteArcStep(step([wrong, right, right, wrong], [3, -1, -2, 2]), copies, canvas);
    expect(decodeArcGrid(tieToWrong.preds)).toEqual(wrong);
  });
  it('refuses a step that is not one row per copy', () => {
    expect(() => voteArcStep(step([right, right, right, right], [0, 0, 0, 0]), copies.slice(0, 3), canvas)).toThrow(/not 3 copies/);
  });
});

describe('tries of one solve (src/worker/tries.ts)', async () => {
  const { makeTries, triesWanted } = await import('../../src/worker/tries');
  const names = ['<blank>', ...fixture.cases.map((c) => c.name), fixture.task, 'other'];
  const bundle = (task: 'arc' | 'sudoku' | 'maze', seq_len: number) =>
    ({ config: { task, seq_len, vocab_size: 12 }, puzzleNames: task === 'arc' ? names : undefined }) as unknown as import('../../src/core/bundle').ModelBundle;
  const original = names.indexOf(fixture.task);

  it('counts: every copy of the ARC task on WebGPU with auto, one on the CPU, never more than there are', () => {
    expect(triesWanted(bundle('arc', 25), original, 'auto', 'webgpu')).toBe(9);
    expect(triesWanted(bundle('arc', 25), original, 'auto', 'cpu')).toBe(1);
    expect(triesWanted(bundle('arc', 25), original, 32, 'cpu')).toBe(9);
    expect(triesWanted(bundle('arc', 25), names.indexOf('other'), 'auto', 'webgpu')).toBe(1);
    expect(triesWanted(bundle('sudoku', 81), 0, 'auto', 'webgpu')).toBe(8);
    expect(triesWanted(bundle('maze', 900), 0, 16, 'webgpu')).toBe(1);
    const many = ['<blank>', 'big', ...Array.from({ length: 99 }, (_, k) => `big|||t${k % 8}|||0${String(k).padStart(9, '0')}`)];
    const official = { config: { task: 'arc', seq_len: 900 }, puzzleNames: many } as unknown as import('../../src/core/bundle').ModelBundle;
    expect(triesWanted(official, 1, 'auto', 'webgpu')).toBe(64); // AUTO_ARC_COPIES of 100
    expect(triesWanted(official, 1, 100, 'webgpu')).toBe(100);
  });

  it('auto on the CPU engine: as many tries as a few seconds of it allow, by model size', async () => {
    const { readFileSync } = await import('node:fs');
    const { DEFAULTS } = await import('../../src/core/config');
    const shipped = JSON.parse(readFileSync('models/sudoku.json', 'utf8')).config;
    const sized = (config: object) => ({ config: { ...DEFAULTS, ...config } }) as unknown as import('../../src/core/bundle').ModelBundle;
    expect(triesWanted(sized(shipped), 0, 'auto', 'wasm')).toBe(8); // hidden 64: 8 views cost about 2 s
    const published = { task: 'sudoku', hidden_size: 512, L_cycles: 6, H_cycles: 3, mlp_t: true, pos_encodings: 'none', seq_len: 81, vocab_size: 11 };
    expect(triesWanted(sized(published), 0, 'auto', 'wasm')).toBe(1); // ~19 GFLOP a step
    expect(triesWanted(sized(published), 0, 4, 'wasm')).toBe(4); // a count the user sets is kept
  });
  it('solves the copies as one batch (original first) and merges a step by vote', () => {
    const tokens = encodeArcGrid(fixture.grid, { canvas: 5 });
    const tries = makeTries(bundle('arc', 25), tokens, Int32Array.of(original), 9);
    expect(tries.count).toBe(9);
    expect(tries.input.puzzleIds[0]).toBe(original);
    expect(Array.from(tries.input.tokens.subarray(0, 25))).toEqual(Array.from(tokens));
    // Every copy answers its own view of the input: all 9 vote for the input grid itself.
    const step: StepTrace = { step: 1, preds: tries.input.tokens.slice(), confidence: new Float32Array(225), qHalt: new Float32Array(9), qContinue: new Float32Array(9) };
    const merged = tries.merge(step);
    expect(decodeArcGrid(merged.preds)).toEqual(fixture.grid);
    expect(merged.views!.valid[0]).toBe(9);
    expect(makeTries(bundle('arc', 25), tokens, Int32Array.of(original), 1).input.tokens).toBe(tokens);
  });
});
