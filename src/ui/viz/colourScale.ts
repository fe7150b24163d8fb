// Viridis-like ramp for confidence heatmaps: dark purple (low) → yellow (high), readable on dark and light.
const STOPS: [number, [number, number, number]][] = [
  [0, [68, 1, 84]],
  [0.25, [59, 82, 139]],
  [0.5, [33, 145, 140]],
  [0.75, [94, 201, 98]],
  [1, [253, 231, 37]],
];

export function heat(p: number): string {
  const x = Math.min(1, Math.max(0, p));
  for (let i = 1; i < STOPS.length; i++) {
    const [t1, c1] = STOPS[i];
    const [t0, c0] = STOPS[i - 1];
    if (x <= t1) {
      const f = (x - t0) / (t1 - t0);
      const c = c0.map((v, k) => Math.round(v + (c1[k] - v) * f));
      return `rgb(${c[0]},${c[1]},${c[2]})`;
    }
  }
  return 'rgb(253,231,37)';
}

/**
 * Confidence on a log scale near 1: 0 at p ≤ 0.5 … 1 at p ≥ 0.9999, by −log10(1 − p). A trained model is above 0.9
 * almost everywhere, so a linear ramp paints right and wrong cells the same yellow; wrong cells sit lower here.
 */
export function certainty(p: number): number {
  const miss = Math.max(1e-4, Math.min(0.5, 1 - p));
  return (-Math.log10(miss) - Math.log10(2)) / (4 - Math.log10(2));
}

/** Where each legend label sits on the certainty ramp. */
export const CERTAINTY_TICKS: [string, number][] = [
  ['≤50%', certainty(0.5)],
  ['90%', certainty(0.9)],
  ['99%', certainty(0.99)],
  ['99.9%', certainty(0.999)],
  ['≥99.99%', certainty(0.9999)],
];

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
