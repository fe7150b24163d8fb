// `npm run bench`: ms per TRM supervision step, side by side in one run, for our WGSL engine, our wasm CPU
// engine, the CPU reference and ONNX Runtime Web (on the ONNX export of the same random weights; its wasm EP
// on the same threads as our wasm engine). See docs/benchmarks.md.
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { BENCH_USAGE, BenchArgsError, parseBenchArgs, resolveAuto, type BenchOptions } from '../bench/args';
import { benchConfig, describeConfig } from '../bench/configs';
import { prepareModel } from '../bench/prepare';
import { agreementNotes, batchFlops, failureNotes, formatTable, threadNotes, type BenchCase, type BenchReport } from '../bench/results';
import type { BenchRuntimeHandle } from '../bench/runtime';

const log = (s: string) => console.error(`  ${s}`);

async function startRuntime(o: BenchOptions): Promise<BenchRuntimeHandle> {
  if (o.runtime === 'node') return (await import('../bench/node-runtime')).startNodeRuntime(log, o.threads);
  return (await import('../bench/browser-runtime')).startBrowserRuntime(log);
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(BENCH_USAGE);
    return;
  }
  let o: BenchOptions;
  try {
    o = parseBenchArgs(process.argv.slice(2), availableParallelism());
  } catch (e) {
    if (e instanceof BenchArgsError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const rt = await startRuntime(o);
  const { size, steps, batches } = resolveAuto(o, rt.emulated);
  console.log(`TRM benchmark — ${new Date().toISOString()}`);
  console.log(`runtime: ${rt.name}`);
  // The GPU columns: ours (WGSL) and, in the browser, ORT's WebGPU EP; the wasm and CPU columns run on the CPU.
  const gpuTimed = o.engines.includes('webgpu') || (o.runtime === 'browser' && o.engines.includes('ort'));
  const gpuNote = !gpuTimed ? ' (not used: no GPU column timed)' : rt.emulated ? ' (emulated GPU: only the ratios mean anything)' : '';
  console.log(`adapter: ${rt.adapter}${gpuNote}`);
  console.log(`size: ${size}${o.size === 'auto' ? ' (auto)' : ''}, batch ${batches.join(',')}; random weights (seed ${o.seed}) — timing does not depend on the values`);
  console.log(`timed: ${steps} supervision step(s) after ${o.warmup} warm-up step(s) for our engines and ORT; ${o.cpuSteps} step(s) of the CPU reference (single-threaded TypeScript, slow)`);
  if (o.engines.includes('wasm') || o.engines.includes('ort'))
    console.log(`threads: ${o.threads} asked for our wasm engine and ORT's wasm EP (${availableParallelism()} cores here); the counts they ran on are under the table`);
  const cases: BenchCase[] = [];
  try {
    for (const model of o.models) {
      const config = benchConfig(model, size);
      const prepared = prepareModel(config, o.seed, o.engines.includes('ort') || o.engines.includes('wasm'), log);
      for (const batch of batches) {
        log(`${describeConfig(config)} B=${batch}: ${(batchFlops(config, batch) / 1e9).toFixed(2)} GFLOP per step`);
        cases.push(await rt.run({ model, batch, steps, warmup: o.warmup, cpuSteps: o.cpuSteps, engines: o.engines, threads: o.threads }, prepared));
      }
    }
  } finally {
    await rt.close();
  }
  console.log('');
  console.log(formatTable(cases));
  console.log('');
  console.log('ms per supervision step (T·(n+1) network calls + heads); GFLOP/s = flopsPerStep·B / time; t_a/t_b < 1: a is faster (ours = WGSL, wasm = our wasm engine).');
  const agreement = agreementNotes(cases);
  if (agreement.length) console.log('max |logit − CPU reference logit| after step 1 (same weights, same inputs):');
  for (const n of agreement) console.log(`  ${n}`);
  const threads = threadNotes(cases);
  if (threads.length) console.log('threads used:');
  for (const n of threads) console.log(`  ${n}`);
  for (const n of failureNotes(cases)) console.log(`not run: ${n}`);
  if (o.json) {
    const report: BenchReport = { date: new Date().toISOString(), runtime: rt.name, adapter: rt.adapter, emulated: rt.emulated, size, threads: o.threads, cases };
    writeFileSync(o.json, JSON.stringify(report, null, 2));
    console.log(`results written to ${o.json}`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exit(1);
  },
);
