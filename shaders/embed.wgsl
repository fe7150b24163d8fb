// Input embedding x (docs/spec.md §1.5): [puzzle row zero-padded to P·H values, token embeddings] · scale.
//
// Layouts: tokens u32 [B][L] (L = seq_len); puzzle_rows f32 [B][ndim] (the puzzle-embedding rows of this
//   batch, gathered on the host: an ARC table can exceed any GPU buffer limit); embedding f32 [V][H];
//   out f32 [rows_padded][H], row b·S + s holds position s of puzzle b (S = P + L). Rows ≥ B·S are
//   written as 0 (padding that lets the matmuls skip bounds checks).
// Preconditions: tokens < V (validated on the host).
// Workgroup: 256 threads, one value each; 2-D grid (x · 256 · num_workgroups.x + ...) for big outputs.

struct Params {
  S: u32, P: u32, L: u32, H: u32,
  ndim: u32, rows: u32, total: u32, scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> tokens: array<u32>;
@group(0) @binding(2) var<storage, read> puzzle_rows: array<f32>;
@group(0) @binding(3) var<storage, read> embedding: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * 256u;
  if (idx >= p.total) { return; }
  let m = idx / p.H;
  let c = idx % p.H;
  var v = 0.0;
  if (m < p.rows) {
    let b = m / p.S;
    let s = m % p.S;
    if (s < p.P) {
      let f = s * p.H + c;
      if (f < p.ndim) { v = puzzle_rows[b * p.ndim + f]; }
    } else {
      v = embedding[tokens[b * p.L + s - p.P] * p.H + c];
    }
  }
  out[idx] = v * p.scale;
}
