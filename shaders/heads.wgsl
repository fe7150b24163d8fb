// Output heads on the answer y (= z_H): lm_head + per-cell argmax + confidence, and q_head.
//
// lm_head_argmax: one thread per cell (b, i), i < L. Reads z_H row b·S + P + i (the prefix is dropped,
//   docs/spec.md §1.6), computes V logits = row · lm_head[v]ᵀ (vec4 dot products, f32), writes them to
//   logits[(b·L + i)·V + v], then preds[preds_off + b·L + i] = argmax (first index on ties, as
//   torch.argmax) and, when conf_off != NONE, conf[conf_off + b·L + i] = softmax probability of the argmax.
//   Workgroup 64; 2-D grid over cells (wid.x + wid.y · nwg.x).
// q_head: one workgroup of 64 per puzzle b: q[2b + j] = z_H[b·S] · q_head.weight[j] + bias[j]
//   (j = 0 halt, 1 continue).
// Layouts: z_H f32 [rows][H] as vec4; lm_head.weight [V][H]; q_head.weight [2][H]; q_head.bias [2].
// Preconditions: H % 4 == 0.

struct Params {
  cells: u32, L: u32, S: u32, P: u32,
  H: u32, V: u32, preds_off: u32, conf_off: u32,
}

const NONE: u32 = 0xffffffffu;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> zh: array<vec4f>;
@group(0) @binding(2) var<storage, read> weight: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> logits: array<f32>;
@group(0) @binding(4) var<storage, read_write> preds: array<u32>;
@group(0) @binding(5) var<storage, read_write> conf: array<f32>;

@compute @workgroup_size(64)
fn lm_head_argmax(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let cell = gid.x + gid.y * nwg.x * 64u;
  if (cell >= p.cells) { return; }
  let b = cell / p.L;
  let i = cell % p.L;
  let h4 = p.H / 4u;
  let zb = (b * p.S + p.P + i) * h4;
  var best = 0u;
  var best_v = 0.0;
  for (var v = 0u; v < p.V; v++) {
    var d = vec4f(0.0);
    for (var c = 0u; c < h4; c++) { d = fma(zh[zb + c], weight[v * h4 + c], d); }
    let lv = (d.x + d.y) + (d.z + d.w);
    logits[cell * p.V + v] = lv;
    if (v == 0u || lv > best_v) { best = v; best_v = lv; }
  }
  preds[p.preds_off + cell] = best;
  if (p.conf_off != NONE) {
    var sum = 0.0;
    for (var v = 0u; v < p.V; v++) { sum += exp(logits[cell * p.V + v] - best_v); }
    conf[p.conf_off + cell] = 1.0 / sum;
  }
}

@group(0) @binding(1) var<storage, read> zh_rows: array<vec4f>;
@group(0) @binding(2) var<storage, read> q_weight: array<vec4f>;
@group(0) @binding(3) var<storage, read> q_bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> q_out: array<f32>;

var<workgroup> partial: array<vec2f, 64>;

@compute @workgroup_size(64)
fn q_head(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let b = wid.x;
  let h4 = p.H / 4u;
  let zb = b * p.S * h4;
  var acc = vec2f(0.0);
  for (var c = lid.x; c < h4; c += 64u) {
    let z = zh_rows[zb + c];
    acc += vec2f(dot(z, q_weight[c]), dot(z, q_weight[h4 + c]));
  }
  partial[lid.x] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lid.x < s) { partial[lid.x] += partial[lid.x + s]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    q_out[2u * b] = partial[0].x + q_bias[0];
    q_out[2u * b + 1u] = partial[0].y + q_bias[1];
  }
}
