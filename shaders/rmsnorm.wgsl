// Weightless RMSNorm, in place, computed in f32: x · 1/sqrt(mean(x²) + eps) (spec §1.2, post-norm blocks).
//
// Layout: x f32 [rows][H] (row-major), puzzle b's positions at rows b·S .. b·S+S−1.
// Entry points:
//   rows: normalise each row over its H channels (attention / channel-MLP blocks). One workgroup of
//     WG threads per row (2-D grid over rows: wid.x + wid.y · nwg.x); tree reduction in workgroup memory.
//   cols: normalise each channel over the S positions of its puzzle, separately per puzzle (the MLP-mixer
//     block normalises the transposed tensor, spec §0.5). One thread per (channel, puzzle): grid
//     (ceil(H / WG), B); reads are coalesced across channels.
// Preconditions: WG is a power of two ≤ 256 (override, default 64).

struct Params {
  rows: u32, H: u32, S: u32, eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;

override WG: u32 = 64u;
var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(WG)
fn rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let r = wid.x + wid.y * nwg.x;
  if (r >= p.rows) { return; } // uniform per workgroup
  let base = r * p.H;
  var ss = 0.0;
  for (var c = lid.x; c < p.H; c += WG) {
    let v = x[base + c];
    ss += v * v;
  }
  partial[lid.x] = ss;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid.x < s) { partial[lid.x] += partial[lid.x + s]; }
    workgroupBarrier();
  }
  let scale = 1.0 / sqrt(partial[0] / f32(p.H) + p.eps);
  for (var c = lid.x; c < p.H; c += WG) {
    x[base + c] = x[base + c] * scale;
  }
}

@compute @workgroup_size(WG)
fn cols(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  let batch = gid.y;
  if (c >= p.H) { return; }
  let base = batch * p.S * p.H + c;
  var ss = 0.0;
  for (var s = 0u; s < p.S; s++) {
    let v = x[base + s * p.H];
    ss += v * v;
  }
  let scale = 1.0 / sqrt(ss / f32(p.S) + p.eps);
  for (var s = 0u; s < p.S; s++) {
    x[base + s * p.H] = x[base + s * p.H] * scale;
  }
}
