// Non-causal multi-head attention without a mask (docs/spec.md §1.2), flash style: each thread owns one query,
// keys/values stream through workgroup memory KB at a time, softmax kept online in f32 (running max m,
// running sum l, accumulator rescaled once per key tile). RoPE (rotate-half) is applied to Q and K as they
// are loaded when ROPE is set, so no separate pass rewrites the qkv buffer.
//
// Layouts: qkv f32 [rows][3·H] as vec4: Q heads at column h·D, K heads at H + h·D, V heads at 2H + h·D
//   (D = head_dim); puzzle b's positions at rows b·S .. b·S+S−1. rope_cos / rope_sin f32 [S][D/2] as vec4
//   (the official emb = concat(freqs, freqs) repeats each half, so half a row suffices).
//   out f32 [rows][H] as vec4, head-major like Q. Only real rows are written.
// Specialised per head_dim in text (attentionForHeadDim in src/gpu/shader-variants.ts): it sets HEAD_DIM,
//   D4 and HALF4 below and copies out every loop marked `// unroll` (the loops over the D4 channels), one
//   block per index with the index a `const`, so the per-thread query and accumulator are indexed by
//   constants and stay in registers (a dynamically indexed private array lives in memory: that made the
//   matmul 1.8× slower on SwiftShader). The loops over keys stay loops (unrolling them too made shaders that
//   took minutes to compile). Unprocessed, this file is the head_dim 64 kernel with ordinary loops.
// Preconditions: D % 8 == 0, D ≤ 64, H % 4 == 0; scale = 1/sqrt(D).
// Workgroup: QB threads (override, ≤ 256) = QB queries of one (head, puzzle); grid (ceil(S/QB), heads, B).
//   Workgroup memory: K and V tiles, 2 · KB · 64 · 4 bytes = 16 KiB.

struct Params {
  S: u32, H: u32, heads: u32, pad0: u32,
  scale: f32, pad1: u32, pad2: u32, pad3: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> qkv: array<vec4f>;
@group(0) @binding(2) var<storage, read> rope_cos: array<vec4f>;
@group(0) @binding(3) var<storage, read> rope_sin: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4f>;

override QB: u32 = 64u;
override ROPE: bool = true;

const HEAD_DIM: u32 = 64u;
const D4: u32 = 16u; // HEAD_DIM / 4
const HALF4: u32 = 8u; // HEAD_DIM / 8
const KB: u32 = 32u;
const NEG_BIG: f32 = -3.0e38;

var<workgroup> Ks: array<vec4f, 512>; // [KB][D4]
var<workgroup> Vs: array<vec4f, 512>; // [KB][D4]

@compute @workgroup_size(QB)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let S = p.S;
  let row_stride4 = 3u * p.H / 4u;
  let head = wid.y;
  let batch = wid.z;
  let row0 = batch * S;
  let q_index = wid.x * QB + lid.x;
  let valid = q_index < S;
  // Threads past the end compute a duplicate of the last query and do not store it: control flow stays
  // uniform around the barriers (lavapipe hangs on barriers after divergent branches).
  let qi = min(q_index, S - 1u);
  let q_col4 = head * D4;
  let k_col4 = (p.H / 4u) + head * D4;
  let v_col4 = 2u * (p.H / 4u) + head * D4;

  var q: array<vec4f, D4>;
  var acc: array<vec4f, D4>;
  var s: array<f32, KB>;
  var m = NEG_BIG;
  var l = 0.0;
  let qb = (row0 + qi) * row_stride4 + q_col4;
  for (var c = 0u; c < D4; c++) { // unroll
    q[c] = qkv[qb + c];
  }
  if (ROPE) {
    for (var c = 0u; c < HALF4; c++) { // unroll
      let cs = rope_cos[qi * HALF4 + c];
      let sn = rope_sin[qi * HALF4 + c];
      let lo = q[c];
      let hi = q[c + HALF4];
      q[c] = lo * cs - hi * sn;
      q[c + HALF4] = hi * cs + lo * sn;
    }
  }

  for (var kt = 0u; kt < S; kt += KB) {
    // Stage KB keys (rotated) and values.
    for (var i = lid.x; i < KB * HALF4; i += QB) {
      let j = i / HALF4;
      let c = i % HALF4;
      let key = kt + j;
      if (key < S) {
        let kb = (row0 + key) * row_stride4 + k_col4;
        var lo = qkv[kb + c];
        var hi = qkv[kb + c + HALF4];
        if (ROPE) {
          let cs = rope_cos[key * HALF4 + c];
          let sn = rope_sin[key * HALF4 + c];
          let lo2 = lo * cs - hi * sn;
          hi = hi * cs + lo * sn;
          lo = lo2;
        }
        Ks[j * D4 + c] = lo;
        Ks[j * D4 + c + HALF4] = hi;
      }
    }
    for (var i = lid.x; i < KB * D4; i += QB) {
      let j = i / D4;
      let c = i % D4;
      let key = kt + j;
      if (key < S) { Vs[i] = qkv[(row0 + key) * row_stride4 + v_col4 + c]; }
    }
    workgroupBarrier();
    let kc = min(KB, S - kt);
    var tile_max = NEG_BIG;
    for (var j = 0u; j < kc; j++) {
      var d = vec4f(0.0);
      for (var c = 0u; c < D4; c++) { // unroll
        d = fma(q[c], Ks[j * D4 + c], d);
      }
      let sc = (d.x + d.y + d.z + d.w) * p.scale;
      s[j] = sc;
      tile_max = max(tile_max, sc);
    }
    let m_new = max(m, tile_max);
    let corr = exp(m - m_new);
    for (var c = 0u; c < D4; c++) { // unroll
      acc[c] *= corr;
    }
    var tile_sum = 0.0;
    // Key-outer, channel-inner: the accumulator is in registers (constant indices), one score read per key.
    for (var j = 0u; j < kc; j++) {
      let pj = exp(s[j] - m_new);
      tile_sum += pj;
      for (var c = 0u; c < D4; c++) { // unroll
        acc[c] = fma(vec4f(pj), Vs[j * D4 + c], acc[c]);
      }
    }
    l = l * corr + tile_sum;
    m = m_new;
    workgroupBarrier();
  }

  if (valid) {
    let ob = (row0 + qi) * (p.H / 4u) + head * D4;
    let inv = 1.0 / l;
    for (var c = 0u; c < D4; c++) { // unroll
      out[ob + c] = acc[c] * inv;
    }
  }
}
