// Where the timed code runs: headless Chromium (page bench/index.html) or Node + Dawn.
import type { BenchCase } from './results';
import type { CaseJob } from './run-case';
import type { PreparedModel } from './prepare';

export interface BenchRuntimeHandle {
  /** e.g. "browser: HeadlessChrome/142" or "node v20 + Dawn (npm webgpu)". */
  name: string;
  adapter: string;
  emulated: boolean;
  run(job: CaseJob, model: PreparedModel): Promise<BenchCase>;
  close(): Promise<void>;
}
