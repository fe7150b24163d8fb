// Node side of the benchmark: writes each random-weight model as an app safetensors file and exports it
// to ONNX with training/export_onnx.py, cached in bench/.cache/ by config and seed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelBundle } from '../src/core/bundle';
import type { TrmConfig } from '../src/core/config';
import { saveAppModel } from '../src/core/weights/app-format';
import { randomBundle } from './random-bundle';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE_DIR = join(REPO_ROOT, 'bench', '.cache');

export interface PreparedModel {
  bundle: ModelBundle;
  weightsPath: string;
  onnxPath?: string;
  onnxError?: string;
}

function cacheKey(config: TrmConfig, seed: number): string {
  const hash = createHash('sha256').update(JSON.stringify(config)).update(`seed=${seed};v1`).digest('hex').slice(0, 12);
  return `${config.task}-h${config.hidden_size}-${hash}`;
}

/** Exports with the project venv; returns an error message instead of throwing (the ORT column stays empty). */
function exportOnnx(weightsPath: string, onnxPath: string): string | undefined {
  const python = join(REPO_ROOT, '.venv', 'bin', 'python');
  if (!existsSync(python)) return `no Python venv at .venv (run: bash scripts/ensure-python.sh) — needed for training/export_onnx.py`;
  const r = spawnSync(python, [join(REPO_ROOT, 'training', 'export_onnx.py'), weightsPath, onnxPath], { encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) return `training/export_onnx.py failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ')}`;
  return undefined;
}

export function prepareModel(config: TrmConfig, seed: number, withOnnx: boolean, log: (s: string) => void): PreparedModel {
  mkdirSync(CACHE_DIR, { recursive: true });
  const key = cacheKey(config, seed);
  const weightsPath = join(CACHE_DIR, `${key}.safetensors`);
  const bundle = randomBundle(config, seed);
  if (!existsSync(weightsPath)) writeFileSync(weightsPath, saveAppModel(bundle));
  if (!withOnnx) return { bundle, weightsPath };
  const onnxPath = join(CACHE_DIR, `${key}.onnx`);
  if (existsSync(onnxPath)) return { bundle, weightsPath, onnxPath };
  log(`exporting ${key} to ONNX (training/export_onnx.py)…`);
  const onnxError = exportOnnx(weightsPath, onnxPath);
  return onnxError ? { bundle, weightsPath, onnxError } : { bundle, weightsPath, onnxPath };
}
