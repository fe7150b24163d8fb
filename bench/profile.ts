// `npm run profile -- [--config sudoku|maze] [--size quick|reduced|full] [--batch 1] [--repeat 3] [--matmul auto|…]
//   [--weights f32|f16]`
// Where one supervision step of our engine spends its time, kernel by kernel (Node + Dawn; on a machine
// without a GPU run `eval "$(bash scripts/ensure-vulkan.sh)"` first). Every dispatch of the step is submitted
// alone `repeat` times and awaited; times are summed per kernel kind (the z/y calls and layers folded
// together). Last line: the same step recorded whole in one command buffer, as the engine runs it — the gap
// to the sum of the parts is the per-submit cost that the single command buffer avoids.
import { parseArgs } from 'node:util';
import { create, globals } from 'webgpu';
import { flopsPerStep } from '../src/core/config';
import { requestTrmDevice, WebGpuEngine, type MatmulPreference, type WeightStorage } from '../src/gpu';
import { recordDispatches, type Dispatch } from '../src/gpu/kernels';
import { loadShaderSources } from '../src/gpu/shaders-node';
import { BENCH_MODELS, BENCH_SIZES, benchConfig, describeConfig, type BenchModel, type BenchSize } from './configs';
import { randomBundle, randomInput } from './random-bundle';

async function timeSubmits(device: GPUDevice, dispatches: readonly Dispatch[], repeat: number): Promise<number> {
  const t0 = performance.now();
  for (let r = 0; r < repeat; r++) {
    const enc = device.createCommandEncoder();
    recordDispatches(enc, [...dispatches], 'profile');
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
  }
  return (performance.now() - t0) / repeat;
}

const kind = (label: string): string => label.replace(/^(z|y) block \d+ /, '');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'sudoku' }, size: { type: 'string', default: 'reduced' },
      batch: { type: 'string', default: '1' }, repeat: { type: 'string', default: '3' }, matmul: { type: 'string', default: 'auto' },
      weights: { type: 'string', default: 'f32' },
    },
  });
  const model = values.config as BenchModel;
  const size = values.size as BenchSize;
  const batch = Number(values.batch);
  const repeat = Number(values.repeat);
  if (!BENCH_MODELS.includes(model) || !BENCH_SIZES.includes(size) || !(batch >= 1) || !(repeat >= 1) || !['f32', 'f16'].includes(values.weights!)) {
    console.error(`usage: npm run profile -- [--config ${BENCH_MODELS.join('|')}] [--size ${BENCH_SIZES.join('|')}] [--batch N] [--repeat N] [--matmul auto|…] [--weights f32|f16]`);
    process.exit(2);
  }
  Object.assign(globalThis, globals);
  const gpu = create([]) as unknown as GPU;
  const { device, adapterInfo } = await requestTrmDevice(gpu);
  const config = benchConfig(model, size);
  const engine = await WebGpuEngine.create(device, randomBundle(config), {
    batch, shaders: loadShaderSources(), snapshotCarry: false, matmul: values.matmul as MatmulPreference,
    weightStorage: values.weights as WeightStorage,
  });
  await engine.solve(randomInput(config, batch), { steps: 1 }); // valid activations in every buffer
  const choice = new Map(engine.matmulChoices.map((m) => [m.label, m.choice]));
  const rows = new Map<string, { count: number; ms: number; flops: number; variant: string }>();
  for (const d of engine.stepDispatches) {
    const k = kind(d.label);
    const row = rows.get(k) ?? { count: 0, ms: 0, flops: 0, variant: '' };
    if (row.count === 0) row.ms = await timeSubmits(device, [d], repeat); // same kernel, same shape: time once
    else row.ms += row.ms / row.count;
    row.count++;
    row.flops += d.flops ?? 0;
    const c = choice.get(d.label);
    if (c) row.variant = `${c.variant} ${c.tileM}×${c.tileN}×${c.tileK}, ${c.rpt}×${c.cpt} per thread`;
    rows.set(k, row);
  }
  const whole = await timeSubmits(device, engine.stepDispatches, repeat);
  const parts = [...rows.values()].reduce((s, r) => s + r.ms, 0);
  console.log(`${adapterInfo}\n${describeConfig(config)}, batch ${batch}, ${values.weights} weights: ${engine.stepDispatches.length} dispatches, ${(flopsPerStep(config) * batch / 1e9).toFixed(2)} GFLOP per step\n`);
  console.log(`${'kernel'.padEnd(34)} ${'per step'.padStart(8)} ${'ms/step'.padStart(10)} ${'share'.padStart(6)} ${'GFLOP/s'.padStart(8)}  variant`);
  for (const [k, r] of [...rows.entries()].sort((a, b) => b[1].ms - a[1].ms))
    console.log(`${k.padEnd(34)} ${String(r.count).padStart(8)} ${r.ms.toFixed(2).padStart(10)} ${((100 * r.ms) / parts).toFixed(1).padStart(5)}% ${(r.flops ? (r.flops / r.ms / 1e6).toFixed(2) : '').padStart(8)}  ${r.variant}`);
  console.log(`\nsum of the kernels submitted one by one: ${parts.toFixed(1)} ms; the step in one command buffer: ${whole.toFixed(1)} ms (${(flopsPerStep(config) * batch / whole / 1e6).toFixed(2)} GFLOP/s)`);
  engine.dispose();
  device.destroy();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exit(1);
});
