// Accuracy of solved batches, scored exactly as training/evaluate.py scores them (docs/spec.md §1.7): the answer is the
// argmax after the last step; a row is exact when every scored cell is right; token accuracy is the mean over
// rows of the scored cells' accuracy; a row that never says "halt" counts as halting at the last step.
import type { Trace } from './trace';

export interface AccuracyReport {
  n: number;
  exactAccuracy: number;
  tokenAccuracy: number;
  exactAccuracyPerStep: number[];
  meanHaltingStep: number;
  /** Per row: exact after the last step. */
  solved: boolean[];
}

/** Evenly spread row indices, the same as training/trainer/evaluation.py `strided` (0 = all rows). */
export function stridedRows(nRows: number, limit: number): number[] {
  if (!limit || limit >= nRows) return Array.from({ length: nRows }, (_, i) => i);
  return Array.from({ length: limit }, (_, i) => Math.floor(i * (nRows / limit)));
}

export class AccuracyTally {
  private exactPerStep: number[] = [];
  private tokenSum = 0;
  private haltSum = 0;
  private readonly solved: boolean[] = [];

  constructor(private readonly ignoreLabel = 0) {}

  /**
   * Adds the first `rows` rows of a trace (a padded final batch scores only its real rows).
   * `labels`: [rows·seqLen] target tokens.
   */
  add(trace: Trace, labels: Int32Array, rows = trace.batch): void {
    const { seqLen, steps } = trace;
    if (labels.length !== rows * seqLen) throw new RangeError(`labels hold ${labels.length} tokens; ${rows} rows of ${seqLen} need ${rows * seqLen}`);
    if (steps.length === 0) throw new RangeError('the trace has no steps');
    if (this.exactPerStep.length === 0) this.exactPerStep = new Array<number>(steps.length).fill(0);
    if (this.exactPerStep.length !== steps.length) throw new RangeError(`every batch must run the same number of steps (${this.exactPerStep.length}, got ${steps.length})`);
    steps.forEach((step, k) => {
      for (let r = 0; r < rows; r++) if (this.rowCorrect(step.preds, labels, r, seqLen) === this.scored(labels, r, seqLen)) this.exactPerStep[k]++;
    });
    const last = steps[steps.length - 1].preds;
    for (let r = 0; r < rows; r++) {
      const scored = this.scored(labels, r, seqLen);
      const correct = this.rowCorrect(last, labels, r, seqLen);
      this.tokenSum += correct / Math.max(1, scored);
      this.solved.push(correct === scored);
      this.haltSum += trace.haltStep[r] || steps.length;
    }
  }

  report(): AccuracyReport {
    const n = this.solved.length;
    const d = Math.max(1, n);
    return {
      n,
      exactAccuracy: n ? this.exactPerStep[this.exactPerStep.length - 1] / d : 0,
      tokenAccuracy: this.tokenSum / d,
      exactAccuracyPerStep: this.exactPerStep.map((x) => x / d),
      meanHaltingStep: n ? this.haltSum / n : 0,
      solved: [...this.solved],
    };
  }

  private scored(labels: Int32Array, r: number, seqLen: number): number {
    let s = 0;
    for (let i = r * seqLen; i < (r + 1) * seqLen; i++) if (labels[i] !== this.ignoreLabel) s++;
    return s;
  }

  private rowCorrect(preds: Int32Array, labels: Int32Array, r: number, seqLen: number): number {
    let c = 0;
    for (let i = r * seqLen; i < (r + 1) * seqLen; i++) if (labels[i] !== this.ignoreLabel && preds[i] === labels[i]) c++;
    return c;
  }
}
