// Messages between the page and the solver worker. Typed arrays travel as transferables.
import type { TaskKind, TrmConfig } from '../core/config';
import type { ModelCard } from '../core/bundle';
import type { StepTrace } from '../core/trace';

/** 'auto': the faster engine here (src/worker/backend-choice.ts); the others: as the user chose. */
export type EnginePreference = 'auto' | EngineKind;
/** Tries side by side (src/worker/tries.ts): Sudoku test-time views or ARC voting copies; a count, or 'auto' =
 * AUTO_VIEWS Sudoku views / every copy of the ARC task on WebGPU, 1 on the CPU reference. */
export type ViewsPreference = 'auto' | number;
/** Views side by side cost a GPU little more than one; on the CPU reference each costs a whole solve. */
export const AUTO_VIEWS = 8;
/** 'auto' votes with at most this many ARC copies: an official table has up to 1,001 per task, and a batch that
 * large at hidden 512 would need GBs of activations. */
export const AUTO_ARC_COPIES = 64;
/** WebGPU (our WGSL kernels), the CPU engine in WebAssembly (src/wasm), or the TypeScript CPU reference. */
export type EngineKind = 'webgpu' | 'wasm' | 'cpu';
export const ENGINE_LABELS: Record<EngineKind, string> = { webgpu: 'WebGPU', wasm: 'CPU (WebAssembly)', cpu: 'CPU reference' };

/** n and T the user confirmed for an official checkpoint that came without all_config.yaml. */
export interface ConfirmedShape {
  task: TaskKind;
  L_cycles: number;
  H_cycles: number;
}

/**
 * Model bytes: an ArrayBuffer (transferred) or a Blob/File (structured-cloned, read lazily by byte range in the
 * worker, so a 2 GB official step_N is never read whole).
 */
export type ModelBytes = ArrayBuffer | Blob;

export type ModelSource =
  | { format: 'app'; name: string; bytes: ModelBytes }
  | {
      format: 'official';
      name: string;
      bytes: ModelBytes;
      yaml?: string;
      /** The dataset's identifiers.json (name of each puzzle id); required when the puzzle table is large. */
      identifiers?: string[];
      confirmed?: ConfirmedShape;
    };

/** Size in bytes of a model source's bytes. */
export function modelByteLength(bytes: ModelBytes): number {
  return bytes instanceof ArrayBuffer ? bytes.byteLength : bytes.size;
}

export interface ModelInfo {
  id: string;
  name: string;
  format: 'app' | 'official';
  task: TaskKind;
  config: TrmConfig;
  card?: ModelCard;
  /** Trainable parameters (everything but the puzzle-embedding table). */
  parameterCount: number;
  /** Rows of the puzzle-embedding table. */
  embeddingRows: number;
  bytes: number;
  /** ARC: row of each original (un-augmented) task name the model was trained on. */
  puzzleRows?: Record<string, number>;
  /** ARC: how many rows (the original and its augmented copies) each of those tasks has. */
  puzzleCopies?: Record<string, number>;
}

export interface ConfirmRequest {
  /** What the loader guessed from the tensor shapes. */
  guess: ConfirmedShape;
  /** Plain words: what could not be read from the file and why it matters. */
  message: string;
}

export type ToWorker =
  | { type: 'load'; requestId: number; source: ModelSource }
  | {
      type: 'solve';
      requestId: number;
      modelId: string;
      tokens: Int32Array;
      puzzleIds: Int32Array;
      steps: number;
      recordInner: boolean;
      engine: EnginePreference;
      /** Sudoku views or ARC copies; ignored for mazes. */
      views: ViewsPreference;
    }
  /** Answer to 'needs-confirmation': the n/T the user chose, or null to give up the load. */
  | { type: 'confirm-load'; requestId: number; confirmed: ConfirmedShape | null }
  | { type: 'cancel'; requestId: number }
  | { type: 'unload'; modelId: string }
  /** Test hook: destroy the GPU device once the next solve's step `afterStep` has arrived, as a driver reset would. */
  | { type: 'test-lose-device'; afterStep: number };

export type FromWorker =
  | { type: 'loaded'; requestId: number; info: ModelInfo }
  | { type: 'needs-confirmation'; requestId: number; request: ConfirmRequest }
  | { type: 'engine'; requestId: number; kind: EngineKind; notice?: string; views: number }
  | { type: 'step'; requestId: number; step: StepTrace }
  | { type: 'done'; requestId: number; haltStep: number; cancelled: boolean }
  /** `name` is the error's class name (CheckpointError, GpuDeviceLostError, ...), kept across the worker. */
  | { type: 'error'; requestId: number; name: string; message: string };

/** Longest error text sent to the page: a library can put megabytes of a hostile file into a message. */
export const MAX_ERROR_CHARS = 2000;

/** An error's class name and its message, cut to MAX_ERROR_CHARS, for the 'error' message. */
export function errorMessage(err: unknown): { name: string; message: string } {
  const e = err instanceof Error ? err : null;
  const name = e?.name && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(e.name) ? e.name : 'Error';
  const text = e ? e.message : String(err);
  return { name, message: text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}… (${text.length} characters)` : text };
}

/** The error the page sees: a plain Error that carries the worker-side class name. */
export function errorFromWorker(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}
