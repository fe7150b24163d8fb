// Kernel choice as a pure function of plain numbers (shape, adapter limits), so it can be unit-tested
// without a GPU. The engine calls these once per (model, batch) and keeps the answers.

/** Which matmul shader runs: the vec4 variant without bounds checks, or the general one. */
export type MatmulVariant = 'vec4' | 'general';
/** 'auto' picks vec4 where it fits; tests force each variant so the GPU suite runs once per variant
 * ('vec4-largest': vec4 with the largest tile that fits, so small test shapes reach the 8-wide register tiles). */
export type MatmulPreference = 'auto' | 'vec4' | 'vec4-largest' | 'general';

/** B operand: 'nk' = a weight W [N][K] (C = A·Wᵀ); 'kn' = [K][N] (C = A·B). */
export type BLayout = 'nk' | 'kn';
/** none: store; accumulate: C += A·B; swiglu_n / swiglu_m: silu(gate)·up over interleaved column / row pairs. */
export type Epilogue = 'none' | 'accumulate' | 'swiglu_n' | 'swiglu_m';

export interface MatmulShape {
  M: number;
  N: number;
  K: number;
  batch: number;
  bLayout: BLayout;
  epilogue: Epilogue;
  /** Every element offset and batch stride of A, B and C (vec4 loads need them divisible by 4). */
  offsets: number[];
}

export interface ComputeLimits {
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupSizeY: number;
  maxComputeWorkgroupsPerDimension: number;
}

export interface MatmulChoice {
  variant: MatmulVariant;
  shader: 'matmul_vec4' | 'matmul';
  entryPoint: 'main' | 'main_swiglu_n';
  wgX: number; // threads along N (cpt outputs each)
  wgY: number; // threads along M (rpt outputs each)
  rpt: number; // rows per thread (vec4 variant: 4 or 8; general: 4)
  cpt: number; // columns per thread (vec4 variant: 4 or 8; general: 4)
  tileM: number;
  tileN: number;
  tileK: number;
  epilogueCode: number; // the EPILOGUE override
  mTail: boolean; // the M_TAIL override (vec4 only): M is not a multiple of tileM, rows past M are masked
  workgroups: [number, number, number];
}

/** Workgroup tiles (M × N) tried largest first. */
const TILES: ReadonlyArray<[number, number]> = [[64, 64], [32, 64], [64, 32], [32, 32], [16, 32], [16, 16]];

/** Register tile of one thread in the vec4 variant (the general variant always computes 4 × 4): 8 × 8,
 * narrowed to 4 along the shorter side (rows first) while the workgroup would have fewer than 32 threads,
 * a warp on NVIDIA GPUs: 64×64 → 8×8 (64 threads), 32×64 and 64×32 → 8×8 (32), 32×32 → 4×8, 16×32 → 4×4. */
export function threadTile(tm: number, tn: number): [number, number] {
  let [rpt, cpt] = [8, 8];
  while ((tm / rpt) * (tn / cpt) < 32 && (rpt > 4 || cpt > 4)) {
    if (rpt > 4 && (tm <= tn || cpt === 4)) rpt = 4;
    else cpt = 4;
  }
  return [rpt, cpt];
}
/** Below this many workgroups a smaller tile is preferred, so that small problems still fill a GPU. */
export const TARGET_WORKGROUPS = 64;

const EPILOGUE_CODES: Record<Epilogue, number> = { none: 0, accumulate: 1, swiglu_n: 2, swiglu_m: 3 };

function tileFitsLimits(tm: number, tn: number, tk: number, lim: ComputeLimits, vec4: boolean): boolean {
  const [rpt, cpt] = vec4 ? threadTile(tm, tn) : [4, 4];
  const wgX = tn / cpt;
  const wgY = tm / rpt;
  return (
    wgX * wgY <= lim.maxComputeInvocationsPerWorkgroup &&
    wgX <= lim.maxComputeWorkgroupSizeX &&
    wgY <= lim.maxComputeWorkgroupSizeY &&
    (tm + tn) * tk * 4 <= lim.maxComputeWorkgroupStorageSize
  );
}

/** Rows past M are masked (M_TAIL) except for SwiGLU over row pairs, whose output rows pair up tile rows. */
function vec4Fits(s: MatmulShape, tm: number, tn: number, tk: number): boolean {
  return (
    (s.M % tm === 0 || s.epilogue !== 'swiglu_m') &&
    s.N % tn === 0 &&
    s.K % tk === 0 &&
    s.offsets.every((o) => o % 4 === 0) &&
    (s.epilogue !== 'swiglu_n' || s.N % 4 === 0)
  );
}

function grid(s: MatmulShape, tm: number, tn: number): [number, number, number] {
  return [Math.ceil(s.N / tn), Math.ceil(s.M / tm), s.batch];
}

function count(g: [number, number, number]): number {
  return g[0] * g[1] * g[2];
}

/** Picks the variant and tile for C = A·op(B). Throws when the shape is invalid for the epilogue. */
export function chooseMatmul(s: MatmulShape, lim: ComputeLimits, prefer: MatmulPreference = 'auto'): MatmulChoice {
  if (s.epilogue === 'swiglu_n' && s.N % 2 !== 0) throw new RangeError(`SwiGLU over columns needs an even N (got ${s.N})`);
  if (s.epilogue === 'swiglu_m' && s.M % 2 !== 0) throw new RangeError(`SwiGLU over rows needs an even M (got ${s.M})`);
  const maxGrid = lim.maxComputeWorkgroupsPerDimension;
  const usable = (tm: number, tn: number, tk: number, vec4: boolean) => {
    const g = grid(s, tm, tn);
    return tileFitsLimits(tm, tn, tk, lim, vec4) && g.every((d) => d <= maxGrid);
  };
  const pick = (cands: Array<{ tm: number; tn: number; tk: number }>) => {
    if (cands.length === 0) return undefined;
    const target = prefer === 'vec4-largest' ? 1 : TARGET_WORKGROUPS;
    const enough = cands.find((c) => count(grid(s, c.tm, c.tn)) >= target);
    if (enough) return enough;
    return cands.reduce((best, c) => (count(grid(s, c.tm, c.tn)) > count(grid(s, best.tm, best.tn)) ? c : best));
  };
  let variant: MatmulVariant = 'general';
  let chosen: { tm: number; tn: number; tk: number } | undefined;
  if (prefer !== 'general') {
    const fast: Array<{ tm: number; tn: number; tk: number }> = [];
    for (const [tm, tn] of TILES)
      for (const tk of [16, 8]) if (vec4Fits(s, tm, tn, tk) && usable(tm, tn, tk, true)) { fast.push({ tm, tn, tk }); break; }
    chosen = pick(fast);
    if (chosen) variant = 'vec4';
  }
  if (!chosen) {
    const general = TILES.filter(([tm, tn]) => usable(tm, tn, 16, false)).map(([tm, tn]) => ({ tm, tn, tk: 16 }));
    chosen = pick(general);
    if (!chosen) throw new RangeError(`No matmul tile fits this adapter's compute limits for ${s.M}×${s.N}×${s.K}; use the CPU engine on this device`);
  }
  const vec4 = variant === 'vec4';
  const [rpt, cpt] = vec4 ? threadTile(chosen.tm, chosen.tn) : [4, 4];
  return {
    variant,
    shader: vec4 ? 'matmul_vec4' : 'matmul',
    entryPoint: vec4 && s.epilogue === 'swiglu_n' ? 'main_swiglu_n' : 'main',
    wgX: chosen.tn / cpt,
    wgY: chosen.tm / rpt,
    rpt,
    cpt,
    tileM: chosen.tm,
    tileN: chosen.tn,
    tileK: chosen.tk,
    epilogueCode: EPILOGUE_CODES[s.epilogue],
    mTail: vec4 && s.M % chosen.tm !== 0,
    workgroups: grid(s, chosen.tm, chosen.tn),
  };
}

export interface AttentionChoice {
  queryBlock: number; // threads per workgroup = queries per workgroup
  workgroups: [number, number, number];
}

/** Attention: one thread per query; the key/value tiles (2·32·64 f32 = 16 KiB) fit every adapter. */
export function chooseAttention(
  a: { seqTotal: number; headDim: number; heads: number; batch: number; rope: boolean },
  lim: ComputeLimits,
): AttentionChoice {
  if (a.headDim % 8 !== 0 || a.headDim > 64)
    throw new RangeError(`The attention kernel supports head_dim multiples of 8 up to 64 (got ${a.headDim}); use the CPU engine for this model`);
  if (2 * 32 * 64 * 4 > lim.maxComputeWorkgroupStorageSize)
    throw new RangeError(`The attention kernel needs 16 KiB of workgroup memory; this adapter has ${lim.maxComputeWorkgroupStorageSize} bytes: use the CPU engine on this device`);
  let qb = Math.min(64, lim.maxComputeInvocationsPerWorkgroup, lim.maxComputeWorkgroupSizeX);
  // Short sequences: smaller query blocks give more workgroups.
  while (qb > 16 && Math.ceil(a.seqTotal / qb) * a.heads * a.batch < TARGET_WORKGROUPS && a.seqTotal <= qb * 2) qb /= 2;
  return { queryBlock: qb, workgroups: [Math.ceil(a.seqTotal / qb), a.heads, a.batch] };
}

export interface RowNormChoice {
  threadsPerRow: number; // the TPR override: a power of two ≤ 32
  workgroups: [number, number, number]; // 64-thread workgroups of 64 / TPR rows
}

/** RMSNorm over rows: about four vec4 per thread (TPR = largest power of two ≤ 32 with 16·TPR ≤ H). */
export function chooseRowNorm(rows: number, H: number, lim: ComputeLimits): RowNormChoice {
  if (H % 4 !== 0) throw new RangeError(`RMSNorm over rows needs H divisible by 4 (got ${H})`);
  let tpr = 1;
  while (tpr < 32 && tpr * 2 * 16 <= H) tpr *= 2;
  return { threadsPerRow: tpr, workgroups: grid1d(rows, 64 / tpr, lim.maxComputeWorkgroupsPerDimension) };
}

/** A 1-D launch of `n` threads in workgroups of `wg`, folded into 2-D when it exceeds the grid limit. */
export function grid1d(n: number, wg: number, maxPerDim: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(n / wg));
  if (groups <= maxPerDim) return [groups, 1, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y, 1];
}
