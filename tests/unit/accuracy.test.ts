import { describe, expect, it } from 'vitest';
import { AccuracyTally, stridedRows } from '../../src/core/accuracy';
import { parseSudokuCsv, TaskInputError } from '../../src/core/tasks';
import type { Trace } from '../../src/core/trace';

function trace(stepPreds: number[][], haltStep: number[], seqLen: number): Trace {
  return {
    batch: haltStep.length, seqLen, vocab: 11, haltStep: Int32Array.from(haltStep),
    steps: stepPreds.map((p, k) => ({ step: k + 1, preds: Int32Array.from(p), qHalt: new Float32Array(haltStep.length) }) as unknown as Trace['steps'][number]),
  };
}

describe('stridedRows', () => {
  it('picks the rows numpy picks in training/trainer/evaluation.py strided', () => {
    expect(stridedRows(18, 8)).toEqual([0, 2, 4, 6, 9, 11, 13, 15]); // floor(i * 18/8)
    expect(stridedRows(5, 0)).toEqual([0, 1, 2, 3, 4]);
    expect(stridedRows(3, 10)).toEqual([0, 1, 2]);
  });
});

describe('AccuracyTally', () => {
  it('scores the last step, per step, per token, and halting like evaluate.py', () => {
    const labels = Int32Array.from([1, 2, 3, 4, 5, 6]); // 2 rows of 3
    const t = new AccuracyTally();
    // row 0 right from step 2; row 1 has one wrong cell at the end; row 1 never halts (counts as step 2)
    t.add(trace([[1, 2, 9, 4, 5, 6], [1, 2, 3, 4, 9, 6]], [1, 0], 3), labels);
    const r = t.report();
    expect(r.n).toBe(2);
    expect(r.solved).toEqual([true, false]);
    expect(r.exactAccuracyPerStep).toEqual([0.5, 0.5]);
    expect(r.exactAccuracy).toBe(0.5);
    expect(r.tokenAccuracy).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(r.meanHaltingStep).toBe(1.5);
  });

  it('scores only the real rows of a padded batch and skips ignored labels', () => {
    const t = new AccuracyTally(0);
    t.add(trace([[7, 2, 3, 7, 7, 7]], [0, 0], 3), Int32Array.from([0, 2, 3]), 1);
    expect(t.report()).toMatchObject({ n: 1, solved: [true], tokenAccuracy: 1 });
  });

  it('refuses labels of the wrong size', () => {
    expect(() => new AccuracyTally().add(trace([[1, 2]], [0], 2), Int32Array.from([1]))).toThrow(/labels hold 1/);
  });
});

describe('parseSudokuCsv', () => {
  const grid = '1'.repeat(81);
  it('reads the official and the benchmark column layouts', () => {
    const official = parseSudokuCsv(`source,question,answer,rating\nx,${'.'.repeat(81)},${grid},0\n`);
    expect(official).toHaveLength(1);
    expect(official[0].puzzle.every((v) => v === 0)).toBe(true);
    const bench = parseSudokuCsv(`puzzle,solution\r\n"${grid}",${grid}\r\n`);
    expect(bench[0].solution[80]).toBe(1);
  });
  it('names the line of a bad grid and a wrong header', () => {
    expect(() => parseSudokuCsv(`puzzle,solution\n${grid},${grid}\nabc,${grid}`)).toThrow(/line 3/);
    expect(() => parseSudokuCsv('a,b\n1,2')).toThrow(TaskInputError);
  });
});
