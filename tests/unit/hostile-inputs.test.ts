// Classes of hostile input, each refused with a named error of bounded length, in bounded time and memory:
// keys that only exist on Object.prototype, numbers beyond what the engines support, views that read the same
// bytes many times, oversized or self-referencing config files, deep or huge ARC imports.
import { describe, expect, it } from 'vitest';
import { configProblems, DEFAULTS, type TrmConfig } from '../../src/core/config';
import { parseArcChallenges } from '../../src/core/tasks';
import { defaultTokenMap, loadAppModel, parseTrmConfig } from '../../src/core/weights/app-format';
import { parseHeader, writeSafetensors } from '../../src/core/weights/safetensors';
import { CheckpointContentError, inferTrmConfig, readTorchCheckpoint } from '../../src/core/weights/torch';
import { importKaggle } from '../../src/ui/arc/kaggle';
import { describeModel } from '../../src/worker/modelLoader';
import { buildZip, PickleWriter, readReference, stateDictPickle } from './torch-helpers';

const base: TrmConfig = {
  ...DEFAULTS, task: 'sudoku', hidden_size: 16, num_heads: 2, L_cycles: 1, H_cycles: 1, seq_len: 81, vocab_size: 11,
  mlp_t: true, pos_encodings: 'none', puzzle_emb_ndim: 16, num_puzzle_identifiers: 1,
} as TrmConfig;

const header = (obj: unknown) => new TextEncoder().encode(JSON.stringify(obj));

describe('inherited properties never pass as data', () => {
  it('a safetensors dtype named constructor is unknown', () => {
    expect(() => parseHeader(header({ t: { dtype: 'constructor', shape: [1], data_offsets: [0, 4] } }), 8 + 80)).toThrow(/unknown dtype "constructor"/);
  });

  it('a config field named constructor or toString is an unknown field', () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty'])
      expect(() => parseTrmConfig({ ...base, [key]: 1 })).toThrow(new RegExp(`unknown field\\(s\\) ${key}`));
  });

  it('an app model with a tensor named constructor is refused as unexpected', async () => {
    const bytes = writeSafetensors({ constructor: { shape: [1], data: new Float32Array(1) } }, {
      format: 'trm-safetensors', format_version: '1', config: JSON.stringify(base), token_map: JSON.stringify(defaultTokenMap('sudoku', 11)),
    });
    await expect(loadAppModel(bytes)).rejects.toThrow(/unexpected tensor constructor/);
  });

  it('ARC tasks and puzzle names such as constructor are ordinary names', async () => {
    const task = { train: [{ input: [[1]], output: [[2]] }], test: [{ input: [[1]] }] };
    const tasks = parseArcChallenges(JSON.stringify({ constructor: task, toString: task }));
    expect(Object.keys(tasks).sort()).toEqual(['constructor', 'toString']);
    const info = await describeModel('m1', { format: 'app', name: 'x', bytes: new ArrayBuffer(0) }, {
      config: { ...base, task: 'arc', num_puzzle_identifiers: 3 },
      tensors: {},
      puzzleNames: ['<blank>', 'constructor', 'toString'],
    });
    expect(info.puzzleRows).toEqual({ '<blank>': 0, constructor: 1, toString: 2 });
  });
});

describe('numbers are bounded to what the engines support', () => {
  it('names the field and the limit', () => {
    expect(configProblems({ ...base, puzzle_emb_len: 100_000 })).toEqual(expect.arrayContaining([expect.stringMatching(/puzzle_emb_len is 100000; the engines support at most 256/)]));
    expect(configProblems({ ...base, halt_max_steps: 1e6 }).join()).toMatch(/halt_max_steps/);
    expect(configProblems({ ...base, rms_norm_eps: 5 }).join()).toMatch(/rms_norm_eps/);
  });

  it('refuses a network too large to load before anything is allocated', () => {
    expect(configProblems({ ...base, hidden_size: 4096, num_heads: 64, L_layers: 32, mlp_t: false, pos_encodings: 'rope' }).join()).toMatch(/GiB as float32/);
  });
});

describe('official checkpoints', () => {
  const zipOf = (pkl: Uint8Array, storages: Record<string, Uint8Array>) =>
    buildZip([{ name: 'step_0/data.pkl', data: pkl }, ...Object.entries(storages).map(([k, d]) => ({ name: `step_0/data/${k}`, data: d }))]);

  it('a view that reads one float many times (stride 0) is refused', async () => {
    const pkl = stateDictPickle([{ key: 'model.inner.H_init', storage: 'FloatStorage', storageKey: '0', numel: 1, offset: 0, shape: [1 << 20, 64], stride: [0, 0] }]);
    await expect(readTorchCheckpoint(zipOf(pkl, { '0': new Uint8Array(4) }))).rejects.toThrow(/reads? the same bytes many times/);
  });

  it('a data.pkl far larger than a state_dict is refused by its size', async () => {
    const w = new PickleWriter();
    for (let i = 0; i < 600_000; i++) w.op(0x4e).op(0x30); // NONE, POP: 1.2 MB of opcodes
    await expect(readTorchCheckpoint(zipOf(w.op(0x7d).done(), {}))).rejects.toThrow(/data\.pkl is \d+ bytes; a state_dict pickle is a few KB/);
  });

  it('all_config.yaml: an alias and an oversized file are refused with a named error', async () => {
    const ckpt = await readTorchCheckpoint(readReference('sudoku-mlp-tiny', 'step_0'));
    expect(() => inferTrmConfig(ckpt, 'arch: &a\n  hidden_size: *a\n', 'sudoku')).toThrow(CheckpointContentError);
    expect(() => inferTrmConfig(ckpt, 'arch: &a\n  hidden_size: *a\n', 'sudoku')).toThrow(/not valid YAML: Alias/);
    const big = `arch:\n${Array.from({ length: 40_000 }, (_, i) => `  k${i}: 1`).join('\n')}\n`;
    const t0 = performance.now();
    expect(() => inferTrmConfig(ckpt, big, 'sudoku')).toThrow(/characters; an official one is about 2 KB/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('error messages stay short', () => {
  it('a safetensors header of invalid JSON megabytes long', () => {
    const junk = new TextEncoder().encode(`{"a": ${'['.repeat(10)}${'x'.repeat(2_000_000)}`);
    let message = '';
    try {
      parseHeader(junk, 8 + junk.length);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/not valid UTF-8 JSON/);
    expect(message.length).toBeLessThan(600);
  });

  it('a Kaggle cell nested 5,000 deep, and a task of 10,000 pairs', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const text = `{"train":[{"input":[[${deep}]],"output":[[1]]}],"test":[{"input":[[1]]}]}`;
    expect(() => importKaggle(text)).toThrow(/holds a list of 1; colours are integers/);
    const pair = { input: [[1]], output: [[1]] };
    const many = JSON.stringify({ train: Array(10_000).fill(pair), test: [{ input: [[1]] }] });
    expect(() => importKaggle(many)).toThrow(/10000 train and 1 test pairs; a task here has at most 32 and 8/);
  });
});
