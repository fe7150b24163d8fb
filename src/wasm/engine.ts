// The wasm CPU engine: the reference's recursion, heads and Trace (src/core/reference/cpu-engine.ts) around
// the network on the wasm SIMD kernels (src/wasm/network.ts), on several threads where memory can be shared.
import { validateBundle, type ModelBundle } from '../core/bundle';
import { CpuEngine } from '../core/reference/cpu-engine';
import type { TrmEngine } from '../core/trace';
import { WasmNetwork, type WasmFacts, type WasmNetworkOptions } from './network';

export interface WasmEngine extends TrmEngine {
  readonly kind: 'wasm';
  readonly facts: WasmFacts;
}

/** Throws WasmUnsupportedError (no SIMD) or WasmMemoryError (model too large) before touching anything else. */
export async function createWasmEngine(bundle: ModelBundle, options: WasmNetworkOptions = {}): Promise<WasmEngine> {
  const valid = validateBundle(bundle);
  const network = await WasmNetwork.create(valid, options);
  const engine = new CpuEngine(valid, network, 'wasm') as CpuEngine & { facts: WasmFacts };
  engine.facts = network.facts;
  return engine as unknown as WasmEngine;
}
