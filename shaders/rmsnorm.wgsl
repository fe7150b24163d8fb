// Weightless RMSNorm, in place, computed in f32: x · 1/sqrt(mean(x²) + eps) (docs/spec.md §1.2, post-norm blocks).
//
// Layout: x f32 [rows][H] (row-major) read as vec4, puzzle b's positions at rows b·S .. b·S+S−1.
// Entry points:
//   rows: normalise each row over its H channels (attention / channel-MLP blocks). A workgroup of 64 threads
//     holds 64 / TPR rows, TPR threads per row (override, a power of two ≤ 32, chosen by chooseRowNorm in
//     src/gpu/kernel-choice.ts so that each thread sums a few vec4s); grid 2-D over row groups (wid.x +
//     wid.y · nwg.x). Thread t of a row takes vec4s t, t + TPR, …; the TPR partial sums meet in workgroup
//     memory behind a single barrier and every thread adds its row's partials itself: one barrier instead
//     of a log2-deep tree (with the tree, one workgroup per row, RMSNorm took 16% of a maze step on
//     SwiftShader; this form about 1%).
//   cols: normalise each channel over the S positions of its puzzle, separately per puzzle (the MLP-mixer
//     block normalises the transposed tensor, docs/spec.md §0.5). One thread per 4 channels of one puzzle: grid
//     (ceil(H / 256), B); reads are coalesced across channels.
// Preconditions: H % 4 == 0.

struct Params {
  rows: u32, H: u32, S: u32, eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<vec4f>;

override TPR: u32 = 8u;
const WG: u32 = 64u;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let H4 = p.H / 4u;
  let lane = lid.x % TPR;
  let first = lid.x - lane; // this row's first slot in `partial`
  let r = (wid.x + wid.y * nwg.x) * (WG / TPR) + lid.x / TPR;
  let valid = r < p.rows; // threads past the last row still reach the barrier
  let base = min(r, p.rows - 1u) * H4;
  var ss = 0.0;
  for (var c = lane; c < H4; c += TPR) {
    let v = x[base + c];
    ss += dot(v, v);
  }
  partial[lid.x] = ss;
  workgroupBarrier();
  var total = 0.0;
  for (var t = 0u; t < TPR; t++) { total += partial[first + t]; }
  if (!valid) { return; }
  let scale = 1.0 / sqrt(total / f32(p.H) + p.eps);
  for (var c = lane; c < H4; c += TPR) {
    x[base + c] = x[base + c] * scale;
  }
}

@compute @workgroup_size(WG)
fn cols(@builtin(global_invocation_id) gid: vec3u) {
  let H4 = p.H / 4u;
  let c = gid.x;
  let batch = gid.y;
  if (c >= H4) { return; }
  let base = batch * p.S * H4 + c;
  var ss = vec4f(0.0);
  for (var s = 0u; s < p.S; s++) {
    let v = x[base + s * H4];
    ss += v * v;
  }
  let scale = vec4f(1.0) / sqrt(ss / f32(p.S) + vec4f(p.eps));
  for (var s = 0u; s < p.S; s++) {
    x[base + s * H4] = x[base + s * H4] * scale;
  }
}
