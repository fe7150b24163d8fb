// Acquiring a GPUDevice suitable for the TRM engine, with the adapter's larger limits requested
// (the defaults cap storage buffers at 128 MiB and workgroups at 256 invocations / 16 KiB).
import { WebGpuUnavailableError } from './errors';

export interface TrmDevice {
  device: GPUDevice;
  adapterInfo: string;
  features: string[];
  /** The adapter says it is a fallback (software) adapter. */
  isFallbackAdapter: boolean;
}

/** The limits the engine benefits from; each is requested at the adapter's maximum. */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxStorageBuffersPerShaderStage',
] as const;

export function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  return parts.length ? parts.join(' / ') : 'unknown adapter';
}

/** Requests an adapter and device. `gpu` defaults to navigator.gpu (pass Dawn's `create()` in Node). */
export async function requestTrmDevice(gpu?: GPU): Promise<TrmDevice> {
  const g = gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!g) throw new WebGpuUnavailableError('navigator.gpu is missing');
  let adapter: GPUAdapter | null;
  try {
    adapter = await g.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new WebGpuUnavailableError(`requestAdapter failed: ${(e as Error).message}`);
  }
  if (!adapter) throw new WebGpuUnavailableError('no GPU adapter was found');
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  const features = [...adapter.features] as string[];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ label: 'trm-device', requiredLimits });
  } catch (e) {
    throw new WebGpuUnavailableError(`requestDevice failed: ${(e as Error).message}`);
  }
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const isFallbackAdapter = !!(info?.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter);
  return { device, adapterInfo: describeAdapter(adapter.info), features, isFallbackAdapter };
}
