// Matmul, general variant: scalar loads with bounds checks, any M, N, K, offsets.  C = A · op(B),
// batched over workgroup z. Used where the fast variant (matmul_vec4.wgsl) does not fit, e.g. the token
// mixing of the MLP-mixer, whose inner size is the 97 positions.
//
// Layouts (row-major, all offsets and strides in f32 elements, per batch b = workgroup_id.z):
//   A: [M][K] at a_off + b·a_bs (K contiguous).
//   B: B_KN = false: weight W [N][K], C = A·Wᵀ;  B_KN = true: [K][N], C = A·B.
//   C: row stride c_ld at c_off + b·c_bs.
// Epilogues (override EPILOGUE): 0 store; 1 accumulate (C += A·B); 2 SwiGLU over column pairs
//   (W rows interleaved gate j / up j at 2j, 2j+1 → C[m][j] = silu(g)·u, C has N/2 columns);
//   3 SwiGLU over row pairs (A rows interleaved → C row j = silu(g)·u, C has M/2 rows).
// Preconditions: for EPILOGUE 2 N is even, for EPILOGUE 3 M is even. Nothing else.
// Workgroup: WG_X × WG_Y threads (override), 4×4 outputs per thread with fma; workgroup tile
//   (4·WG_Y) × (4·WG_X), TILE_K deep (≤ 64 × 64 × 16); loads outside the matrices read 0.

struct Params {
  M: u32, N: u32, K: u32, pad0: u32,
  a_off: u32, a_bs: u32, b_off: u32, b_bs: u32,
  c_off: u32, c_bs: u32, c_ld: u32, pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;

// Operand loads. src/gpu/shader-variants.ts rewrites one of them (and its declaration above) for a weight
// stored as f16 pairs packed in u32, unpacked to f32 here; accumulation stays f32.
fn load_a(i: u32) -> f32 { return A[i]; }
fn load_b(i: u32) -> f32 { return B[i]; }

override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TILE_K: u32 = 16u;
override B_KN: bool = false;
override EPILOGUE: u32 = 0u;

var<workgroup> As: array<vec4f, 256>; // [TILE_K][tileM/4]
var<workgroup> Bs: array<vec4f, 256>; // [TILE_K][tileN/4]

fn silu_mul(g: f32, u: f32) -> f32 {
  return (g / (1.0 + exp(-g))) * u;
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tileM = WG_Y * 4u;
  let tileN = WG_X * 4u;
  let m4 = tileM / 4u;
  let n4 = tileN / 4u;
  let m0 = wid.y * tileM;
  let n0 = wid.x * tileN;
  let a_base = p.a_off + wid.z * p.a_bs;
  let b_base = p.b_off + wid.z * p.b_bs;
  let tid = lid.y * WG_X + lid.x;
  let nthreads = WG_X * WG_Y;
  var acc: array<vec4f, 4>;
  for (var k0 = 0u; k0 < p.K; k0 += TILE_K) {
    for (var i = tid; i < tileM * TILE_K; i += nthreads) {
      let r = i / TILE_K;
      let k = i % TILE_K;
      let m = m0 + r;
      let kk = k0 + k;
      var v = 0.0;
      if (m < p.M && kk < p.K) { v = load_a(a_base + m * p.K + kk); }
      As[k * m4 + r / 4u][r % 4u] = v;
    }
    for (var i = tid; i < tileN * TILE_K; i += nthreads) {
      var n: u32;
      var k: u32;
      if (B_KN) { k = i / tileN; n = i % tileN; } else { n = i / TILE_K; k = i % TILE_K; }
      let nn = n0 + n;
      let kk = k0 + k;
      var v = 0.0;
      if (nn < p.N && kk < p.K) {
        if (B_KN) { v = load_b(b_base + kk * p.N + nn); } else { v = load_b(b_base + nn * p.K + kk); }
      }
      Bs[k * n4 + n / 4u][n % 4u] = v;
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      let a = As[k * m4 + lid.y];
      let b = Bs[k * n4 + lid.x];
      acc[0] = fma(vec4f(a.x), b, acc[0]);
      acc[1] = fma(vec4f(a.y), b, acc[1]);
      acc[2] = fma(vec4f(a.z), b, acc[2]);
      acc[3] = fma(vec4f(a.w), b, acc[3]);
    }
    workgroupBarrier();
  }

  let row = m0 + lid.y * 4u;
  let col = n0 + lid.x * 4u;
  let c_base = p.c_off + wid.z * p.c_bs;
  if (EPILOGUE == 3u) {
    for (var pr = 0u; pr < 2u; pr++) {
      let m = row + 2u * pr;
      if (m >= p.M) { break; }
      let g = acc[2u * pr];
      let u = acc[2u * pr + 1u];
      for (var c = 0u; c < 4u; c++) {
        if (col + c < p.N) { C[c_base + (m / 2u) * p.c_ld + col + c] = silu_mul(g[c], u[c]); }
      }
    }
    return;
  }
  for (var r = 0u; r < 4u; r++) {
    let m = row + r;
    if (m >= p.M) { break; }
    let v = acc[r];
    if (EPILOGUE == 2u) {
      if (col < p.N) { C[c_base + m * p.c_ld + col / 2u] = silu_mul(v.x, v.y); }
      if (col + 2u < p.N) { C[c_base + m * p.c_ld + col / 2u + 1u] = silu_mul(v.z, v.w); }
      continue;
    }
    for (var c = 0u; c < 4u; c++) {
      if (col + c < p.N) {
        let idx = c_base + m * p.c_ld + col + c;
        if (EPILOGUE == 1u) { C[idx] = C[idx] + v[c]; } else { C[idx] = v[c]; }
      }
    }
  }
}
