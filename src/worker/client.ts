// The page's handle on the solver worker: promises for loads, a stream of steps for solves.
import type { StepTrace } from '../core/trace';
import { errorFromWorker, type ConfirmRequest, type ConfirmedShape, type EngineKind, type EnginePreference, type FromWorker, type ModelInfo, type ModelSource, type ToWorker, type ViewsPreference } from './protocol';

export interface SolveCallbacks {
  /** The engine that runs the solve, and how many Sudoku views it solves side by side. */
  onEngine?: (kind: EngineKind, notice: string | undefined, views: number) => void;
  onStep?: (step: StepTrace) => void;
}

export interface SolveRequest {
  modelId: string;
  tokens: Int32Array;
  puzzleIds: Int32Array;
  steps: number;
  recordInner: boolean;
  engine: EnginePreference;
  views: ViewsPreference;
}

type Pending = {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  solve?: SolveCallbacks;
  confirm?: (r: ConfirmRequest) => Promise<ConfirmedShape | null>;
};

export class SolverClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  constructor(worker?: Worker) {
    this.worker = worker ?? new Worker(new URL('./solver.worker.ts', import.meta.url), { type: 'module', name: 'trm-solver' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      const err = new Error(`The solver worker failed: ${e.message || 'unknown error'}. Reload the page to start it again.`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  private post(msg: ToWorker, transfer: Transferable[] = []) {
    this.worker.postMessage(msg, transfer);
  }

  private receive(msg: FromWorker) {
    const p = this.pending.get(msg.requestId);
    if (!p) return;
    switch (msg.type) {
      case 'loaded':
        this.pending.delete(msg.requestId);
        p.resolve(msg.info);
        break;
      case 'needs-confirmation': {
        const ask = p.confirm ?? (async () => null);
        ask(msg.request).then((confirmed) => this.post({ type: 'confirm-load', requestId: msg.requestId, confirmed }));
        break;
      }
      case 'engine':
        p.solve?.onEngine?.(msg.kind, msg.notice, msg.views);
        break;
      case 'step':
        p.solve?.onStep?.(msg.step);
        break;
      case 'done':
        this.pending.delete(msg.requestId);
        p.resolve({ haltStep: msg.haltStep, cancelled: msg.cancelled });
        break;
      case 'error':
        this.pending.delete(msg.requestId);
        p.reject(errorFromWorker(msg.name, msg.message));
        break;
    }
  }

  /**
   * Parses and validates a model in the worker. An ArrayBuffer is transferred (the caller's buffer is emptied);
   * a Blob/File is cloned (cheap: only the handle travels) and read lazily in the worker.
   */
  load(source: ModelSource, confirm?: Pending['confirm']): Promise<ModelInfo> {
    const requestId = this.nextId++;
    return new Promise<ModelInfo>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject, confirm });
      this.post({ type: 'load', requestId, source }, source.bytes instanceof ArrayBuffer ? [source.bytes] : []);
    });
  }

  unload(modelId: string) {
    this.post({ type: 'unload', modelId });
  }

  /** Starts a solve; `done` settles when the last step arrived or the solve was cancelled. */
  solve(req: SolveRequest, callbacks: SolveCallbacks): { requestId: number; done: Promise<{ haltStep: number; cancelled: boolean }> } {
    const requestId = this.nextId++;
    const done = new Promise<{ haltStep: number; cancelled: boolean }>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject, solve: callbacks });
    });
    const tokens = req.tokens.slice();
    const puzzleIds = req.puzzleIds.slice();
    this.post({ type: 'solve', requestId, ...req, tokens, puzzleIds }, [tokens.buffer, puzzleIds.buffer]);
    return { requestId, done };
  }

  cancel(requestId: number) {
    this.post({ type: 'cancel', requestId });
  }

  /** Test hook: the worker destroys its GPU device once the next solve's step `afterStep` has arrived. */
  loseDeviceAfterStep(afterStep: number) {
    this.post({ type: 'test-lose-device', afterStep });
  }
}

let shared: SolverClient | null = null;
/** The page's one worker, started on first use. */
export function solverClient(): SolverClient {
  shared ??= new SolverClient();
  return shared;
}
