// Matmul, fast variant: vec4 loads, no bounds checks.  C = A · op(B), batched over workgroup z.
//
// Layouts (row-major, all offsets and strides in f32 elements, per batch b = workgroup_id.z):
//   A: [M][K] at a_off + b·a_bs (K contiguous). Activations X, or a weight for W·X (token mixing).
//   B: B_KN = false: weight W [N][K] (K contiguous), C = A·Wᵀ (a CastedLinear);
//      B_KN = true:  [K][N] (N contiguous), C = A·B (token mixing: W·h per puzzle).
//   C: row stride c_ld at c_off + b·c_bs.
// Epilogues (override EPILOGUE): 0 store; 1 accumulate (C += A·B, the residual add of a post-norm block);
//   3 SwiGLU over row pairs: A rows interleaved (gate j, up j) at rows 2j, 2j+1 → C row j = silu(g)·u;
//   entry point main_swiglu_n: SwiGLU over column pairs, W rows interleaved (gate j, up j) at 2j, 2j+1 →
//   C[m][j] = silu(g)·u (C has N/2 columns).
// Preconditions (checked by chooseMatmul in src/gpu/kernel-choice.ts): M % (4·WG_Y) == 0 unless M_TAIL
//   (then rows past M read row M−1 and are not stored: the 97-position token-mixing down-projection; not with
//   EPILOGUE 3), N % (4·WG_X) == 0, K % TILE_K == 0, TILE_K % 4 == 0, every offset and stride % 4 == 0.
// Workgroup: WG_X × WG_Y threads (override), each computing an RPT × CPT register tile with fma (RPT, CPT
//   ∈ {4, 8}: rows and columns per thread, in blocks of 4 strided by 4·WG_Y and 4·WG_X so that neighbouring
//   threads read neighbouring vec4s of workgroup memory); the workgroup tile is (RPT·WG_Y) × (CPT·WG_X),
//   staged through workgroup memory TILE_K deep (≤ 64 × 64 × 16). An 8 × 8 register tile does 64 fma per
//   4 vec4 reads of workgroup memory (4 × 4: 16 per 2).

struct Params {
  M: u32, N: u32, K: u32, pad0: u32,
  a_off: u32, a_bs: u32, b_off: u32, b_bs: u32,
  c_off: u32, c_bs: u32, c_ld: u32, pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4f>;
@group(0) @binding(2) var<storage, read> B: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> C: array<vec4f>;
// The SwiGLU-over-columns output (C viewed as vec2), used only by main_swiglu_n, which binds it instead of C.
@group(0) @binding(4) var<storage, read_write> C2: array<vec2f>;

// Operand loads (index in vec4 units). src/gpu/shader-variants.ts rewrites one of them (and its declaration
// above) for a weight stored as f16 packed four to a vec2<u32>, unpacked to f32 here; accumulation stays f32.
fn load_a(i: u32) -> vec4f { return A[i]; }
fn load_b(i: u32) -> vec4f { return B[i]; }

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override RPT: u32 = 4u; // rows per thread: 4 or 8
override CPT: u32 = 4u; // columns per thread: 4 or 8
override TILE_K: u32 = 16u;
override B_KN: bool = false;
override EPILOGUE: u32 = 0u;
override M_TAIL: bool = false;

// [TILE_K][tileM/4] and [TILE_K][tileN/4]; sized for the largest tile (64 × 64 × 16).
var<workgroup> As: array<vec4f, 256>;
var<workgroup> Bs: array<vec4f, 256>;

fn silu_mul(g: vec4f, u: vec4f) -> vec4f {
  return (g / (vec4f(1.0) + exp(-g))) * u;
}

// acc[8·i + 4·j + r]: row 4·(lid.y + i·WG_Y) + r, columns 4·(lid.x + j·WG_X) .. +3 of the workgroup tile
// (i < RPT/4, j < CPT/4). Every index into acc is a constant: a dynamically indexed private array is kept
// in memory instead of registers (measured 1.8× slower on SwiftShader; local-memory spills on GPUs).
fn compute_tile(wid: vec3u, lid: vec3u) -> array<vec4f, 16> {
  let RB = RPT / 4u;
  let CB = CPT / 4u;
  let tileM = WG_Y * RPT;
  let tileN = WG_X * CPT;
  let m4 = tileM / 4u;
  let n4 = tileN / 4u;
  let kq = TILE_K / 4u;
  let m0 = wid.y * tileM;
  let n0 = wid.x * tileN;
  let a_base = p.a_off + wid.z * p.a_bs;
  let b_base = p.b_off + wid.z * p.b_bs;
  let tid = lid.y * WG_X + lid.x;
  let nthreads = WG_X * WG_Y;
  var acc: array<vec4f, 16>;
  for (var k0 = 0u; k0 < p.K; k0 += TILE_K) {
    for (var i = tid; i < tileM * kq; i += nthreads) {
      let r = i / kq;
      let q = i % kq;
      let ar = select(m0 + r, min(m0 + r, p.M - 1u), M_TAIL);
      let v = load_a((a_base + ar * p.K + k0) / 4u + q);
      let col = r / 4u;
      let comp = r % 4u;
      As[(q * 4u + 0u) * m4 + col][comp] = v.x;
      As[(q * 4u + 1u) * m4 + col][comp] = v.y;
      As[(q * 4u + 2u) * m4 + col][comp] = v.z;
      As[(q * 4u + 3u) * m4 + col][comp] = v.w;
    }
    if (B_KN) {
      for (var i = tid; i < TILE_K * n4; i += nthreads) {
        let k = i / n4;
        let c = i % n4;
        Bs[k * n4 + c] = load_b((b_base + (k0 + k) * p.N + n0) / 4u + c);
      }
    } else {
      for (var i = tid; i < tileN * kq; i += nthreads) {
        let r = i / kq;
        let q = i % kq;
        let v = load_b((b_base + (n0 + r) * p.K + k0) / 4u + q);
        let col = r / 4u;
        let comp = r % 4u;
        Bs[(q * 4u + 0u) * n4 + col][comp] = v.x;
        Bs[(q * 4u + 1u) * n4 + col][comp] = v.y;
        Bs[(q * 4u + 2u) * n4 + col][comp] = v.z;
        Bs[(q * 4u + 3u) * n4 + col][comp] = v.w;
      }
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      let a0 = As[k * m4 + lid.y];
      let b0 = Bs[k * n4 + lid.x];
      let b1 = Bs[k * n4 + lid.x + (CB - 1u) * WG_X]; // b0 again when CB == 1 (unused then)
      acc[0] = fma(vec4f(a0.x), b0, acc[0]);
      acc[1] = fma(vec4f(a0.y), b0, acc[1]);
      acc[2] = fma(vec4f(a0.z), b0, acc[2]);
      acc[3] = fma(vec4f(a0.w), b0, acc[3]);
      if (CB == 2u) {
        acc[4] = fma(vec4f(a0.x), b1, acc[4]);
        acc[5] = fma(vec4f(a0.y), b1, acc[5]);
        acc[6] = fma(vec4f(a0.z), b1, acc[6]);
        acc[7] = fma(vec4f(a0.w), b1, acc[7]);
      }
      if (RB == 2u) {
        let a1 = As[k * m4 + lid.y + WG_Y];
        acc[8] = fma(vec4f(a1.x), b0, acc[8]);
        acc[9] = fma(vec4f(a1.y), b0, acc[9]);
        acc[10] = fma(vec4f(a1.z), b0, acc[10]);
        acc[11] = fma(vec4f(a1.w), b0, acc[11]);
        if (CB == 2u) {
          acc[12] = fma(vec4f(a1.x), b1, acc[12]);
          acc[13] = fma(vec4f(a1.y), b1, acc[13]);
          acc[14] = fma(vec4f(a1.z), b1, acc[14]);
          acc[15] = fma(vec4f(a1.w), b1, acc[15]);
        }
      }
    }
    workgroupBarrier();
  }
  return acc;
}

// First output row and column of register block (i, j) of this thread.
fn block_row(wid: vec3u, lid: vec3u, i: u32) -> u32 { return wid.y * WG_Y * RPT + (lid.y + i * WG_Y) * 4u; }
fn block_col(wid: vec3u, lid: vec3u, j: u32) -> u32 { return wid.x * WG_X * CPT + (lid.x + j * WG_X) * 4u; }

// Rows row .. row+3 of one register block through the EPILOGUE (store, accumulate, SwiGLU over row pairs).
fn write_block(c_base: u32, row: u32, col: u32, v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f) {
  if (EPILOGUE == 3u) {
    let out_row = row / 2u;
    C[(c_base + out_row * p.c_ld + col) / 4u] = silu_mul(v0, v1);
    C[(c_base + (out_row + 1u) * p.c_ld + col) / 4u] = silu_mul(v2, v3);
    return;
  }
  let v = array<vec4f, 4>(v0, v1, v2, v3);
  for (var r = 0u; r < 4u; r++) {
    if (M_TAIL && row + r >= p.M) { break; }
    let idx = (c_base + (row + r) * p.c_ld + col) / 4u;
    if (EPILOGUE == 1u) {
      C[idx] = C[idx] + v[r];
    } else {
      C[idx] = v[r];
    }
  }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let acc = compute_tile(wid, lid);
  let c_base = p.c_off + wid.z * p.c_bs;
  let r0 = block_row(wid, lid, 0u);
  let c0 = block_col(wid, lid, 0u);
  write_block(c_base, r0, c0, acc[0], acc[1], acc[2], acc[3]);
  if (CPT == 8u) { write_block(c_base, r0, block_col(wid, lid, 1u), acc[4], acc[5], acc[6], acc[7]); }
  if (RPT == 8u) {
    let r1 = block_row(wid, lid, 1u);
    write_block(c_base, r1, c0, acc[8], acc[9], acc[10], acc[11]);
    if (CPT == 8u) { write_block(c_base, r1, block_col(wid, lid, 1u), acc[12], acc[13], acc[14], acc[15]); }
  }
}

// SwiGLU over column pairs of one register block: C2 row r gets silu(v.x)·v.y and silu(v.z)·v.w.
fn write_block_swiglu_n(c_base: u32, row: u32, col: u32, v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f) {
  let v = array<vec4f, 4>(v0, v1, v2, v3);
  for (var r = 0u; r < 4u; r++) {
    if (M_TAIL && row + r >= p.M) { break; }
    let g = vec2f(v[r].x, v[r].z);
    let u = vec2f(v[r].y, v[r].w);
    C2[(c_base + (row + r) * p.c_ld + col / 2u) / 2u] = (g / (vec2f(1.0) + exp(-g))) * u;
  }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main_swiglu_n(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let acc = compute_tile(wid, lid);
  let c_base = p.c_off + wid.z * p.c_bs;
  let r0 = block_row(wid, lid, 0u);
  let c0 = block_col(wid, lid, 0u);
  write_block_swiglu_n(c_base, r0, c0, acc[0], acc[1], acc[2], acc[3]);
  if (CPT == 8u) { write_block_swiglu_n(c_base, r0, block_col(wid, lid, 1u), acc[4], acc[5], acc[6], acc[7]); }
  if (RPT == 8u) {
    let r1 = block_row(wid, lid, 1u);
    write_block_swiglu_n(c_base, r1, c0, acc[8], acc[9], acc[10], acc[11]);
    if (CPT == 8u) { write_block_swiglu_n(c_base, r1, block_col(wid, lid, 1u), acc[12], acc[13], acc[14], acc[15]); }
  }
}
