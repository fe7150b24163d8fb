// Recursion state (z_H = answer y, z_L = latent z): initialisation, the network-input adds, RMS norms.
//
// Layouts: z_H, z_L, x are f32 [rows_padded][H] viewed as vec4 (H % 4 == 0); real rows are 0..B·S−1.
// Entry points:
//   init_state: z_H[m] = H_init, z_L[m] = L_init for m < B·S (broadcast over positions); padding rows
//     are left alone (they stay 0).                                  Workgroup 256, one vec4 each.
//   add3: a = a + (b + c) elementwise: z_L = z_L + (z_H + x), the official addition order.
//   add2: a = a + b: z_H = z_H + z_L.                                Workgroup 256, one vec4 each.
//   batch_rms: out[out_off + 2·b + 0] = RMS(z_H of puzzle b), out[out_off + 2·b + 1] = RMS(z_L of b)
//     over all S·H values (the trace's y_norm / z_norm). One workgroup of 256 per (b, which).
// Preconditions: H % 4 == 0; count4 = number of vec4 to touch.

struct Params {
  count4: u32, h4: u32, per_batch4: u32, out_off: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> a: array<vec4f>;
@group(0) @binding(2) var<storage, read> b: array<vec4f>;
@group(0) @binding(3) var<storage, read> c: array<vec4f>;

fn flat(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * 256u;
}

@compute @workgroup_size(256)
fn add3(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  if (i >= p.count4) { return; }
  a[i] = a[i] + (b[i] + c[i]);
}

@compute @workgroup_size(256)
fn add2(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  if (i >= p.count4) { return; }
  a[i] = a[i] + b[i];
}

// init_state: a = z_H, a2 = z_L (read_write), b = H_init, c = L_init.
@group(0) @binding(4) var<storage, read_write> a2: array<vec4f>;

@compute @workgroup_size(256)
fn init_state(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  if (i >= p.count4) { return; }
  let ch = i % p.h4;
  a[i] = b[ch];
  a2[i] = c[ch];
}

// batch_rms: reads z_H as y_state and z_L as z_state, writes norms.
@group(0) @binding(1) var<storage, read> y_state: array<vec4f>;
@group(0) @binding(2) var<storage, read> z_state: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> norms: array<f32>;

var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn batch_rms(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let batch = wid.x;
  let which = wid.y;
  let base = batch * p.per_batch4;
  var ss = 0.0;
  for (var i = lid.x; i < p.per_batch4; i += 256u) {
    var v: vec4f;
    if (which == 0u) { v = y_state[base + i]; } else { v = z_state[base + i]; }
    ss += dot(v, v);
  }
  partial[lid.x] = ss;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid.x < s) { partial[lid.x] += partial[lid.x + s]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    norms[p.out_off + 2u * batch + which] = sqrt(partial[0] / f32(p.per_batch4 * 4u));
  }
}
