// Where everything of the wasm engine lives in its linear memory, planned once per model before any
// allocation: the weights, laid out once for the kernels (channel projections transposed to [in][out] so the
// matmul streams rows of them), and the scratch of one puzzle's network call. Pure, unit-tested.
import { derivedSizes, type TrmConfig } from '../core/config';

/** The first 64 KiB belong to the module itself (its stack and static data). */
const RESERVED_BYTES = 65536;
export const WASM_PAGE_BYTES = 65536;
/**
 * The largest memory the engine asks for: 2 GiB. wasm32 allows 4 GiB, but browsers differ in what they grant a
 * shared memory, and no published model needs a tenth of this.
 */
export const MAX_WASM_BYTES = 2 * 1024 ** 3;
/** Bytes of the thread pool's control block (see threads.ts). */
export const CONTROL_BYTES = 256;

export interface WasmLayerLayout {
  mlpGateUpT: number; // [hidden][2·inter]
  mlpDownT: number; // [inter][hidden]
  tokenGateUp?: number; // mlp_t: [2·interT][S], as stored
  tokenDown?: number; // mlp_t: [S][interT], as stored
  qkvT?: number; // attention: [hidden][3·hidden]
  oT?: number; // attention: [hidden][hidden]
}

/** Byte addresses of every region, and the memory's size. */
export interface WasmLayout {
  control: number;
  layers: WasmLayerLayout[];
  ropeCos?: number; // [S][headDim]
  ropeSin?: number;
  h: number; // [S][hidden]: the state being updated
  injection: number; // [S][hidden]
  wide: number; // gate_up / qkv outputs
  act: number; // SwiGLU or attention outputs
  kt?: number; // attention: every K head transposed, [hidden][S]
  probs?: number; // attention: [S][S]
  columnSums?: number; // mlp_t: f64 [hidden]
  bytes: number;
  pages: number;
}

export class WasmMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WasmMemoryError';
  }
}

export function planWasmLayout(c: TrmConfig): WasmLayout {
  const { seqTotal: S, inter, interT } = derivedSizes(c);
  const H = c.hidden_size;
  let next = RESERVED_BYTES;
  const take = (floats: number, bytesPer = 4) => {
    const at = next;
    next += Math.ceil((floats * bytesPer) / 64) * 64;
    return at;
  };
  const control = take(CONTROL_BYTES / 4);
  const layers: WasmLayerLayout[] = [];
  for (let l = 0; l < c.L_layers; l++) {
    const layer: WasmLayerLayout = { mlpGateUpT: take(H * 2 * inter), mlpDownT: take(inter * H) };
    if (c.mlp_t) {
      layer.tokenGateUp = take(2 * interT * S);
      layer.tokenDown = take(S * interT);
    } else {
      layer.qkvT = take(H * 3 * H);
      layer.oT = take(H * H);
    }
    layers.push(layer);
  }
  const layout: WasmLayout = { control, layers, h: 0, injection: 0, wide: 0, act: 0, bytes: 0, pages: 0 };
  if (!c.mlp_t && c.pos_encodings === 'rope') {
    const hd = H / c.num_heads;
    layout.ropeCos = take(S * hd);
    layout.ropeSin = take(S * hd);
  }
  layout.h = take(S * H);
  layout.injection = take(S * H);
  layout.wide = take(Math.max(S * 2 * inter, c.mlp_t ? 2 * interT * H : S * 3 * H));
  layout.act = take(Math.max(S * inter, c.mlp_t ? interT * H : S * H));
  if (c.mlp_t) layout.columnSums = take(H, 8);
  else {
    layout.kt = take(H * S);
    layout.probs = take(S * S);
  }
  layout.bytes = next;
  layout.pages = Math.ceil(next / WASM_PAGE_BYTES);
  return layout;
}

/** The layout, or a WasmMemoryError naming the size when the model needs more than the engine may ask for. */
export function checkedWasmLayout(c: TrmConfig): WasmLayout {
  const layout = planWasmLayout(c);
  if (layout.bytes > MAX_WASM_BYTES)
    throw new WasmMemoryError(
      `This model needs ${(layout.bytes / 1024 ** 3).toFixed(2)} GiB of wasm memory; the wasm engine asks for at most ` +
        `${MAX_WASM_BYTES / 1024 ** 3} GiB. Use the WebGPU engine or the CPU reference for it.`,
    );
  return layout;
}
