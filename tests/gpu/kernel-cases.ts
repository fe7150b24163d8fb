// Every WGSL kernel against the CPU reference op of the same job, on small shapes that include sizes which
// are not multiples of the tiles; the matmul cases run once per forced variant. Device-agnostic: run by
// tests/gpu/kernels.test.ts (Node + Dawn) and, the `browser` subset, by tests/e2e/kernels.spec.ts (Chromium).
// A case returns measured checks; one passes when err ≤ tol (NaN fails).
import {
  applyRope, argmax, attention, attentionScratch, embedInput, linear, matmulWX, rms, rmsNormColumns, rmsNormRows,
  ropeTables, swigluRows, swigluSplitRows,
} from '../../src/core/reference/ops';
import { argmaxConfidence } from '../../src/core/trace';
import { Kernels } from '../../src/gpu/kernels';
import type { ShaderSources } from '../../src/gpu/shaders';
import { f16BitsToFloat, floatToF16Bits } from '../../src/core/weights/float16';
import { packF16 } from '../../src/gpu/shader-variants';
import { interleaveGateUp, ropeHalfTables } from '../../src/gpu/weights';
import { maxAbsDiff, randomArray, readF32, readU32, runDispatches, upload, VARIANTS, zeros } from './gpu-utils';

export interface Check {
  what: string;
  err: number;
  tol: number;
}

export interface KernelCase {
  name: string;
  /** Part of the smaller set that headless Chromium (SwiftShader, several times slower) runs. */
  browser: boolean;
  run(device: GPUDevice, shaders: ShaderSources): Promise<Check[]>;
}

export const passes = (c: Check): boolean => c.err <= c.tol;

const mismatch = (ok: boolean): number => (ok ? 0 : 1);

function matmulCases(variant: (typeof VARIANTS)[number]): KernelCase[] {
  const shapes: Array<[number, number, number]> = [[64, 64, 64], [128, 96, 48], [37, 64, 32], [70, 36, 40], [5, 11, 97]];
  const cases: KernelCase[] = shapes.map(([M, N, K]) => ({
    name: `matmul (${variant} preferred): X·Wᵀ, store and accumulate, ${M}×${N}×${K}`,
    browser: M === 37 || M === 70,
    async run(device, shaders) {
      const k = new Kernels(device, shaders, variant);
      const x = randomArray(M * K, 1 + M);
      const w = randomArray(N * K, 2 + N);
      const c0 = randomArray(M * N, 3);
      const [X, W, C, Cacc] = [upload(device, x), upload(device, w), zeros(device, M * N), upload(device, c0)];
      const d1 = await k.matmul('store', { A: X, B: W, C, M, N, K, cLd: N, bLayout: 'nk', epilogue: 'none' });
      const d2 = await k.matmul('acc', { A: X, B: W, C: Cacc, M, N, K, cLd: N, bLayout: 'nk', epilogue: 'accumulate' });
      await runDispatches(device, [d1, d2]);
      const want = new Float32Array(M * N);
      linear(want, x, w, M, K, N);
      const tol = 1e-5 * Math.sqrt(K) * 4;
      const fits = N % 16 === 0 && K % 8 === 0; // rows past a tile multiple are masked (M_TAIL)
      const choice = k.matmulChoices[0].choice;
      return [
        { what: 'store', err: maxAbsDiff(await readF32(device, C, M * N), want), tol },
        { what: 'accumulate', err: maxAbsDiff(await readF32(device, Cacc, M * N), want.map((v, i) => v + c0[i])), tol },
        { what: `variant ${choice.variant}`, err: mismatch(choice.variant === (variant !== 'general' && fits ? 'vec4' : 'general')), tol: 0 },
        { what: `M_TAIL ${choice.mTail}`, err: mismatch(choice.mTail === (variant !== 'general' && fits && M % choice.tileM !== 0)), tol: 0 },
      ];
    },
  }));
  cases.push({
    name: `matmul (${variant} preferred): SwiGLU epilogue over column pairs equals swigluRows(linear(x, gate_up))`,
    browser: true,
    async run(device, shaders) {
      const k = new Kernels(device, shaders, variant);
      const checks: Check[] = [];
      for (const [M, inter, K] of [[64, 64, 32], [37, 24, 20]]) {
        const x = randomArray(M * K, 7);
        const w = randomArray(2 * inter * K, 8);
        const C = zeros(device, M * inter);
        const d = await k.matmul('swiglu', { A: upload(device, x), B: upload(device, interleaveGateUp(w, inter, K)), C, M, N: 2 * inter, K, cLd: inter, bLayout: 'nk', epilogue: 'swiglu_n' });
        await runDispatches(device, [d]);
        const gu = new Float32Array(M * 2 * inter);
        linear(gu, x, w, M, K, 2 * inter);
        const want = new Float32Array(M * inter);
        swigluRows(want, gu, M, inter);
        checks.push({ what: `${M}×${inter}×${K}`, err: maxAbsDiff(await readF32(device, C, M * inter), want), tol: 5e-5 });
      }
      return checks;
    },
  });
  cases.push({
    name: `matmul (${variant} preferred): token mixing, batched W·h with SwiGLU over row pairs, then accumulate W·a into h`,
    browser: true,
    async run(device, shaders) {
      const k = new Kernels(device, shaders, variant);
      const checks: Check[] = [];
      for (const [B, S, H, interT] of [[2, 13, 12, 8], [2, 13, 32, 16], [3, 32, 32, 32]]) {
        const h = randomArray(B * S * H, 11);
        const wgu = randomArray(2 * interT * S, 12);
        const wd = randomArray(S * interT, 13);
        const Hbuf = upload(device, h);
        const T = zeros(device, B * interT * H);
        const d1 = await k.matmul('mlp_t gate_up', { A: upload(device, interleaveGateUp(wgu, interT, S)), B: Hbuf, C: T, M: 2 * interT, N: H, K: S, batch: B, bBs: S * H, cBs: interT * H, cLd: H, bLayout: 'kn', epilogue: 'swiglu_m' });
        const d2 = await k.matmul('mlp_t down', { A: upload(device, wd), B: T, C: Hbuf, M: S, N: H, K: interT, batch: B, bBs: interT * H, cBs: S * H, cLd: H, bLayout: 'kn', epilogue: 'accumulate' });
        await runDispatches(device, [d1, d2]);
        const want = Float32Array.from(h);
        for (let b = 0; b < B; b++) {
          const hb = want.subarray(b * S * H, (b + 1) * S * H);
          const gu = new Float32Array(2 * interT * H);
          matmulWX(gu, wgu, hb, 2 * interT, S, H);
          const a = new Float32Array(interT * H);
          swigluSplitRows(a, gu, interT, H);
          const down = new Float32Array(S * H);
          matmulWX(down, wd, a, S, interT, H);
          for (let i = 0; i < S * H; i++) hb[i] += down[i];
        }
        checks.push({ what: `B=${B} S=${S} H=${H} interT=${interT}`, err: maxAbsDiff(await readF32(device, Hbuf, B * S * H), want), tol: 1e-4 });
      }
      return checks;
    },
  });
  cases.push({
    name: `matmul (${variant} preferred): a weight operand stored as packed f16 (B of X·Wᵀ, A of W·h)`,
    browser: true,
    async run(device, shaders) {
      const k = new Kernels(device, shaders, variant);
      const half = (a: Float32Array) => a.map((v) => f16BitsToFloat(floatToF16Bits(v)));
      const [M, N, K] = [37, 64, 32];
      const x = randomArray(M * K, 71);
      const w = randomArray(N * K, 72);
      const C = zeros(device, M * N);
      const d1 = await k.matmul('f16 B', { A: upload(device, x), B: upload(device, packF16(w)), C, M, N, K, cLd: N, bLayout: 'nk', epilogue: 'none', f16: 'B' });
      // W·h: W [S][K2] is the f16 operand A, h [K2][N] as kn
      const [S, K2] = [13, 16];
      const wt = randomArray(S * K2, 73);
      const h = randomArray(K2 * N, 74);
      const C2 = zeros(device, S * N);
      const d2 = await k.matmul('f16 A', { A: upload(device, packF16(wt)), B: upload(device, h), C: C2, M: S, N, K: K2, cLd: N, bLayout: 'kn', epilogue: 'none', f16: 'A' });
      await runDispatches(device, [d1, d2]);
      const want = new Float32Array(M * N);
      linear(want, x, half(w), M, K, N);
      const want2 = new Float32Array(S * N);
      matmulWX(want2, half(wt), h, S, K2, N);
      return [
        { what: 'X·Wᵀ, W in f16', err: maxAbsDiff(await readF32(device, C, M * N), want), tol: 1e-5 * Math.sqrt(K) * 4 },
        { what: 'W·h, W in f16', err: maxAbsDiff(await readF32(device, C2, S * N), want2), tol: 1e-5 * Math.sqrt(K2) * 4 },
      ];
    },
  });
  return cases;
}

// H = 36, 128, 520: 2, 8 and 32 threads per row (odd vec4 counts per thread included); 71 rows leave the
// last 64-thread workgroup partly empty.
const rmsnormCases: KernelCase[] = ([[2, 19, 36], [1, 71, 128], [2, 9, 520]] as const).map(([B, S, H]) => ({
  name: `rmsnorm over channels per row and over positions per channel and puzzle, B=${B} S=${S} H=${H}`,
  browser: H === 36,
  async run(device, shaders) {
    const k = new Kernels(device, shaders);
    const x = randomArray(B * S * H, 21 + H, 3);
    const R = upload(device, x);
    const Cb = upload(device, x);
    await runDispatches(device, [await k.rmsRows('rows', R, B * S, H, 1e-5), await k.rmsCols('cols', Cb, B, S, H, 1e-5)]);
    const wantR = Float32Array.from(x);
    rmsNormRows(wantR, B * S, H, 1e-5);
    const wantC = Float32Array.from(x);
    const ss = new Float64Array(H);
    for (let b = 0; b < B; b++) rmsNormColumns(wantC.subarray(b * S * H, (b + 1) * S * H), S, H, 1e-5, ss);
    return [
      { what: 'rows', err: maxAbsDiff(await readF32(device, R, B * S * H), wantR), tol: 2e-6 },
      { what: 'columns', err: maxAbsDiff(await readF32(device, Cb, B * S * H), wantC), tol: 2e-6 },
    ];
  },
}));

const attentionCases: KernelCase[] = ([[true, 37, 32, 2], [false, 70, 64, 2], [true, 100, 64, 2], [true, 20, 128, 2]] as const).map(([rope, S, H, heads]) => ({
  name: `attention, non-causal, ${heads} heads of ${H / heads}, S=${S}, rope=${rope}, batch 2`,
  browser: S === 37 || S === 20,
  async run(device, shaders) {
    const k = new Kernels(device, shaders);
    const B = 2;
    const hd = H / heads;
    const qkv = randomArray(B * S * 3 * H, 31 + S, 2);
    const tables = ropeHalfTables(S, hd, 10000);
    const out = zeros(device, B * S * H);
    const d = await k.attention('attn', { qkv: upload(device, qkv), cos: upload(device, tables.cos), sin: upload(device, tables.sin), out }, { S, H, heads, headDim: hd, batch: B, rope });
    await runDispatches(device, [d]);
    const want = new Float32Array(B * S * H);
    const ref = ropeTables(S, hd, 10000);
    const scratch = attentionScratch(S, hd);
    for (let b = 0; b < B; b++) {
      const q = qkv.slice(b * S * 3 * H, (b + 1) * S * 3 * H);
      if (rope) applyRope(q, S, H, heads, ref);
      attention(want.subarray(b * S * H, (b + 1) * S * H), q, S, H, heads, scratch);
    }
    return [{ what: 'output', err: maxAbsDiff(await readF32(device, out, B * S * H), want), tol: 2e-5 }];
  },
}));

const embedCase: KernelCase = {
  name: 'embedding: puzzle prefix (one row + zeros), tokens, scale; padding rows are zero',
  browser: true,
  async run(device, shaders) {
    const k = new Kernels(device, shaders);
    const [B, L, P, H, V, ndim] = [2, 9, 4, 8, 5, 12];
    const S = L + P;
    const tokens = Int32Array.from({ length: B * L }, (_, i) => (i * 7) % V);
    const emb = randomArray(V * H, 41);
    const table = randomArray(3 * ndim, 42);
    const ids = [2, 0];
    const rows = new Float32Array(B * ndim);
    ids.forEach((id, b) => rows.set(table.subarray(id * ndim, (id + 1) * ndim), b * ndim));
    const rowsPadded = 32;
    const out = zeros(device, rowsPadded * H);
    const d = await k.embed('embed', { out, tokens: upload(device, Uint32Array.from(tokens)), puzzleRows: upload(device, rows), embedding: upload(device, emb) }, { S, P, L, H, ndim, rows: B * S, rowsPadded, scale: Math.sqrt(H) });
    await runDispatches(device, [d]);
    const want = new Float32Array(rowsPadded * H);
    for (let b = 0; b < B; b++) embedInput(want.subarray(b * S * H, (b + 1) * S * H), tokens, b * L, L, emb, V, H, table, ids[b], ndim, P, Math.sqrt(H));
    return [{ what: 'embedding', err: maxAbsDiff(await readF32(device, out, rowsPadded * H), want), tol: 0 }];
  },
};

const stateCase: KernelCase = {
  name: 'state init, add3 = a + (b + c), add2, batch RMS',
  browser: true,
  async run(device, shaders) {
    const k = new Kernels(device, shaders);
    const [B, S, H] = [2, 5, 8];
    const n = B * S * H;
    const hInit = randomArray(H, 51);
    const lInit = randomArray(H, 52);
    const x = randomArray(n, 53);
    const [zH, zL, X] = [zeros(device, n + 4 * H), zeros(device, n + 4 * H), upload(device, x)];
    const norms = zeros(device, 4 * B);
    await runDispatches(device, [
      await k.initState('init', zH, zL, upload(device, hInit), upload(device, lInit), B * S, H),
      await k.add3('z', zL, zH, X, n),
      await k.add2('y', zH, zL, n),
      await k.batchRms('norms', zH, zL, norms, 2 * B, B, S * H),
    ]);
    const wantL = new Float32Array(n + 4 * H);
    const wantH = new Float32Array(n + 4 * H);
    for (let i = 0; i < n; i++) {
      wantL[i] = lInit[i % H] + Math.fround(hInit[i % H] + x[i]);
      wantH[i] = hInit[i % H] + wantL[i];
    }
    const got = await readF32(device, norms, 4 * B);
    const wantNorms = new Float32Array(4 * B);
    for (let b = 0; b < B; b++) {
      wantNorms[2 * B + 2 * b] = rms(wantH, b * S * H, S * H);
      wantNorms[2 * B + 2 * b + 1] = rms(wantL, b * S * H, S * H);
    }
    return [
      { what: 'z_L', err: maxAbsDiff(await readF32(device, zL, n + 4 * H), wantL), tol: 0 },
      { what: 'z_H', err: maxAbsDiff(await readF32(device, zH, n + 4 * H), wantH), tol: 0 },
      { what: 'batch RMS', err: maxAbsDiff(got, wantNorms), tol: 5e-6 },
    ];
  },
};

const headsCase: KernelCase = {
  name: 'lm_head + argmax + confidence (prefix dropped) and q_head',
  browser: true,
  async run(device, shaders) {
    const k = new Kernels(device, shaders);
    const [B, L, P, H, V] = [2, 7, 3, 16, 11];
    const S = L + P;
    const zh = randomArray(B * S * H, 61, 2);
    const w = randomArray(V * H, 62);
    const qw = randomArray(2 * H, 63);
    const qb = randomArray(2, 64);
    const [Z, logits, preds, conf, q] = [upload(device, zh), zeros(device, B * L * V), zeros(device, 3 * B * L), zeros(device, B * L), zeros(device, 2 * B)];
    await runDispatches(device, [
      await k.lmHead('lm', { zH: Z, weight: upload(device, w), logits, preds, conf }, { B, L, S, P, H, V }, B * L, 0),
      await k.qHead('q', { zH: Z, weight: upload(device, qw), bias: upload(device, qb), q }, { B, S, H }),
    ]);
    const gotLogits = await readF32(device, logits, B * L * V);
    const gotPreds = await readU32(device, preds, 3 * B * L);
    const gotConf = await readF32(device, conf, B * L);
    const gotQ = await readF32(device, q, 2 * B);
    const checks: Check[] = [];
    for (let b = 0; b < B; b++) {
      const want = new Float32Array(L * V);
      linear(want, zh.subarray((b * S + P) * H, (b * S + S) * H), w, L, H, V);
      checks.push({ what: `logits ${b}`, err: maxAbsDiff(gotLogits.subarray(b * L * V, (b + 1) * L * V), want), tol: 1e-5 });
      let wrongPreds = 0;
      let confErr = 0;
      for (let i = 0; i < L; i++) {
        if (gotPreds[B * L + b * L + i] !== argmax(want, i * V, V)) wrongPreds++;
        confErr = Math.max(confErr, Math.abs(gotConf[b * L + i] - argmaxConfidence(want, i * V, V).prob));
      }
      checks.push({ what: `argmax ${b} (cells wrong)`, err: wrongPreds, tol: 0 }, { what: `confidence ${b}`, err: confErr, tol: 5e-6 });
      const wq = new Float32Array(2);
      linear(wq, zh.subarray(b * S * H, b * S * H + H), qw, 1, H, 2, qb);
      checks.push({ what: `q ${b}`, err: maxAbsDiff(gotQ.subarray(2 * b, 2 * b + 2), wq), tol: 5e-6 });
    }
    return checks;
  },
};

export const KERNEL_CASES: KernelCase[] = [
  ...VARIANTS.flatMap(matmulCases), ...rmsnormCases, ...attentionCases, embedCase, stateCase, headsCase,
];
