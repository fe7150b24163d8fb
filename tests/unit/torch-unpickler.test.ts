// The restricted unpickler: hostile globals are refused by name before anything runs, malformed pickles end in a
// PickleFormatError, and the tensor views it builds (strided, f16) read correctly.
import { describe, expect, it } from 'vitest';
import { ForbiddenGlobalError, PickleFormatError, readTorchCheckpoint } from '../../src/core/weights/torch';
import { PICKLE_LIMITS, unpickle } from '../../src/core/weights/torch/pickle';
import { buildZip, PickleWriter, stateDictPickle } from './torch-helpers';

function checkpoint(pkl: Uint8Array, data: Record<string, Uint8Array> = {}): Uint8Array {
  return buildZip([
    { name: 'archive/data.pkl', data: pkl },
    { name: 'archive/byteorder', data: new TextEncoder().encode('little') },
    ...Object.entries(data).map(([k, d]) => ({ name: `archive/data/${k}`, data: d })),
    { name: 'archive/version', data: new TextEncoder().encode('3\n') },
  ]);
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

describe('restricted unpickler', () => {
  it('refuses os.system (GLOBAL) by name, before calling anything', async () => {
    // The classic payload: cos\nsystem\n (X'echo pwned') tuple1 REDUCE STOP
    const evil = new PickleWriter().global('os', 'system').str('echo pwned').op(0x85).op(0x52).done();
    expect(() => unpickle(evil)).toThrow(ForbiddenGlobalError);
    expect(() => unpickle(evil)).toThrow(/"os\.system"/);
    await expect(readTorchCheckpoint(checkpoint(evil))).rejects.toThrow(/"os\.system".*not allowed/);
  });

  it('refuses builtins.eval reached through STACK_GLOBAL', () => {
    const enc = new TextEncoder();
    const s = (x: string) => [0x8c, x.length, ...enc.encode(x)];
    const evil = new Uint8Array([0x80, 0x04, ...s('builtins'), ...s('eval'), 0x93, ...s('1+1'), 0x85, 0x52, 0x2e]);
    expect(() => unpickle(evil)).toThrow(ForbiddenGlobalError);
    expect(() => unpickle(evil)).toThrow(/"builtins\.eval"/);
  });

  it('refuses torch globals outside the allow-list and opcodes torch.save does not write', () => {
    expect(() => unpickle(new PickleWriter().global('torch', 'load').done())).toThrow(/"torch\.load"/);
    expect(() => unpickle(new PickleWriter().global('torch._utils', '_rebuild_tensor_v2x').done())).toThrow(ForbiddenGlobalError);
    // INST (0x69) and NEWOBJ (0x81) instantiate classes: refused as opcodes.
    expect(() => unpickle(new Uint8Array([0x80, 0x02, 0x69, 0x2e]))).toThrow(/opcode 0x69/);
    expect(() => unpickle(new Uint8Array([0x80, 0x02, 0x29, 0x29, 0x81, 0x2e]))).toThrow(/opcode 0x81/);
  });

  it('names an unsupported torch storage type instead of calling it hostile', () => {
    expect(() => unpickle(new PickleWriter().global('torch', 'ComplexFloatStorage').done())).toThrow(/storage type torch.ComplexFloatStorage is not supported/);
  });

  it('rejects a storage class as a callable and non-storage persistent ids', () => {
    const callStorage = new PickleWriter().global('torch', 'FloatStorage').op(0x29).op(0x52).done();
    expect(() => unpickle(callStorage)).toThrow(/not callable/);
    const badPid = new PickleWriter().str('x').op(0x85).op(0x51).done();
    expect(() => unpickle(badPid)).toThrow(/persistent id/);
  });

  it('bounds strings by the bytes that remain, the stack, MARK nesting and the memo', () => {
    const huge = new Uint8Array([0x80, 0x02, 0x58, 0xff, 0xff, 0xff, 0x7f, 0x61, 0x2e]);
    expect(() => unpickle(huge)).toThrow(PickleFormatError);
    const marks = new Uint8Array([0x80, 0x02, ...new Array(PICKLE_LIMITS.maxMarks + 1).fill(0x28), 0x2e]);
    expect(() => unpickle(marks)).toThrow(/nested MARKs/);
    const stack = new Uint8Array([0x80, 0x02, ...new Array(PICKLE_LIMITS.maxStack + 1).fill(0x4e), 0x2e]);
    expect(() => unpickle(stack)).toThrow(/stack exceeds/);
    const getBeforePut = new Uint8Array([0x80, 0x02, 0x68, 0x07, 0x2e]);
    expect(() => unpickle(getBeforePut)).toThrow(/memo entry 7/);
    expect(() => unpickle(new Uint8Array([0x80, 0x02, 0x4e]))).toThrow(/without STOP/);
    expect(() => unpickle(new Uint8Array([0x80, 0x02, 0x4e, 0x4e, 0x2e]))).toThrow(/2 items/);
  });

  it('rejects a tensor view that reaches past its storage', async () => {
    const pkl = stateDictPickle([{ key: 'model.inner.H_init', storage: 'FloatStorage', storageKey: '0', numel: 4, offset: 1, shape: [4], stride: [1] }]);
    expect(() => unpickle(pkl)).toThrow(/reaches element 4 of storage "0", which holds 4/);
  });

  it('reads a transposed (strided) view and an f16 storage exactly', async () => {
    const pkl = stateDictPickle([
      { key: 'model.inner.t', storage: 'FloatStorage', storageKey: '0', numel: 6, offset: 0, shape: [3, 2], stride: [1, 3] },
      { key: 'model.inner.h', storage: 'HalfStorage', storageKey: '1', numel: 5, offset: 1, shape: [4], stride: [1] },
      { key: 'model.inner.r', storage: 'FloatStorage', storageKey: '0', numel: 6, offset: 0, shape: [2, 3], stride: [3, 1] },
    ]);
    const half = new Uint8Array(new Uint16Array([0x7c00, 0x3c00, 0xc000, 0x7bff, 0x0001]).buffer);
    const ckpt = await readTorchCheckpoint(checkpoint(pkl, { 0: f32(0, 1, 2, 3, 4, 5), 1: half }));
    expect(ckpt.prefix).toBe('model.inner.');
    expect(await ckpt.tensor('t')).toEqual({ shape: [3, 2], data: new Float32Array([0, 3, 1, 4, 2, 5]) });
    expect(Array.from((await ckpt.tensor('h')).data)).toEqual([1, -2, 65504, 2 ** -24]);
    expect(Array.from((await ckpt.rows('t', [2, 0])).data)).toEqual([2, 5, 0, 3]);
    expect(Array.from((await ckpt.rows('r', [1])).data)).toEqual([3, 4, 5]);
  });
});
