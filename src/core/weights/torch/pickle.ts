// A restricted unpickler for `torch.save(state_dict)`'s data.pkl.
//
// Python's pickle is a small stack machine whose GLOBAL/REDUCE opcodes call arbitrary Python functions; that is
// how malicious checkpoints run code. This VM executes only the opcodes torch.save emits and knows only a handful
// of globals (an OrderedDict, the tensor rebuild function, storage classes); any other global is refused the
// moment it is named. There are no jumps in pickle, every opcode consumes at least one byte, and every buffer it
// creates is bounded by the bytes that remain, so a mutated file cannot hang, recurse or allocate without bound.
import { STORAGE_DTYPES, type TorchDType } from './dtypes';
import { ForbiddenGlobalError, PickleFormatError } from './errors';

export const PICKLE_LIMITS = {
  maxStack: 1 << 16,
  maxMarks: 1 << 12,
  maxMemo: 1 << 20,
  maxString: 1 << 20,
  maxTensorDims: 16,
} as const;

/** A Python tuple (kept apart from lists so `_rebuild_tensor_v2` arguments can be checked strictly). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A dict or OrderedDict; keys are restricted to hashable scalars. */
export class PyDict {
  readonly map = new Map<PyKey, PyValue>();
  /** State set by BUILD (torch stores `_metadata` this way); not needed by us, kept for completeness. */
  state: PyValue | undefined;
}

/** A global from the allow-list (only ever created for allowed names). */
export class PyGlobal {
  constructor(readonly qualname: string) {}
}

/** A storage named by a persistent id: `('storage', <StorageClass>, key, location, numel)`. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: TorchDType,
    readonly location: string,
    /** Elements (bytes for untyped storages). */
    readonly numel: number,
  ) {}
}

/** What `_rebuild_tensor_v2` would have built: a view on a storage, not read yet. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly storageOffset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
  get numel(): number {
    return this.shape.reduce((a, s) => a * s, 1);
  }
}

export type PyKey = string | number | bigint | boolean | null;
export type PyValue = PyKey | PyTuple | PyValue[] | PyDict | PyGlobal | StorageRef | TensorRef;

const ALLOWED_CALLABLES = new Set(['collections.OrderedDict', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_parameter']);

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

function describe(v: StackItem | undefined): string {
  if (v === MARK) return 'a MARK';
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (v instanceof PyTuple) return `a tuple of ${v.items.length}`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v instanceof PyDict) return 'a dict';
  if (v instanceof PyGlobal) return v.qualname;
  if (v instanceof StorageRef) return `storage "${v.key}"`;
  if (v instanceof TensorRef) return 'a tensor';
  if (typeof v === 'string') return `the string "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  return `${typeof v} ${String(v)}`;
}

/** Runs the pickle and returns its top-level object (a PyDict for a state_dict). */
export function unpickle(bytes: Uint8Array): PyValue {
  return new Machine(bytes).run();
}

class Machine {
  private pos = 0;
  private stack: StackItem[] = [];
  private marks: number[] = [];
  private memo = new Map<number, PyValue>();
  private storages = new Map<string, StorageRef>();
  private readonly dv: DataView;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly b: Uint8Array) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  private fail(msg: string, at = this.pos): never {
    throw new PickleFormatError(`data.pkl byte ${at}: ${msg}`);
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.b.length) this.fail(`${what} needs ${n} bytes but only ${this.b.length - this.pos} remain (truncated pickle)`);
  }
  private u8(): number {
    this.need(1, 'an argument');
    return this.b[this.pos++];
  }
  private u16(): number {
    this.need(2, 'an argument');
    const v = this.dv.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  private u32(): number {
    this.need(4, 'an argument');
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  private i32(): number {
    this.need(4, 'an argument');
    const v = this.dv.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  private u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    const v = hi * 2 ** 32 + lo;
    if (!Number.isSafeInteger(v)) this.fail(`length ${v} is out of range`);
    return v;
  }
  private text(n: number, what: string): string {
    if (n > PICKLE_LIMITS.maxString) this.fail(`${what} of ${n} bytes exceeds the ${PICKLE_LIMITS.maxString}-byte limit`);
    this.need(n, what);
    const s = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    try {
      return this.utf8.decode(s);
    } catch {
      return this.fail(`${what} is not valid UTF-8`);
    }
  }
  private line(what: string): string {
    const end = this.b.indexOf(0x0a, this.pos);
    if (end < 0 || end - this.pos > 512) this.fail(`${what} is not a newline-terminated name of at most 512 bytes`);
    return this.text(end - this.pos + 1, what).slice(0, -1);
  }

  private push(v: StackItem): void {
    if (this.stack.length >= PICKLE_LIMITS.maxStack) this.fail(`the stack exceeds ${PICKLE_LIMITS.maxStack} items`);
    this.stack.push(v);
  }
  private pop(what: string): PyValue {
    // Objects may never be popped past the innermost MARK.
    const floor = this.marks.length ? this.marks[this.marks.length - 1] : 0;
    if (this.stack.length <= floor) this.fail(`${what} found an empty stack`);
    const v = this.stack.pop()!;
    if (v === MARK) this.fail(`${what} found a MARK`);
    return v;
  }
  private top(what: string): PyValue {
    const floor = this.marks.length ? this.marks[this.marks.length - 1] : 0;
    if (this.stack.length <= floor) this.fail(`${what} found an empty stack`);
    return this.stack[this.stack.length - 1] as PyValue;
  }
  private popMark(what: string): PyValue[] {
    const m = this.marks.pop();
    if (m === undefined) this.fail(`${what} without a MARK`);
    const items = this.stack.splice(m) as PyValue[];
    items.shift(); // the MARK itself
    return items;
  }
  private memoPut(i: number): void {
    if (!this.memo.has(i) && this.memo.size >= PICKLE_LIMITS.maxMemo) this.fail(`the memo exceeds ${PICKLE_LIMITS.maxMemo} entries`);
    this.memo.set(i, this.top('a memo store'));
  }
  private memoGet(i: number): void {
    if (!this.memo.has(i)) this.fail(`memo entry ${i} is read before it is stored`);
    this.push(this.memo.get(i)!);
  }

  private global(module: string, name: string): PyGlobal {
    const q = `${module}.${name}`;
    if (ALLOWED_CALLABLES.has(q) || Object.hasOwn(STORAGE_DTYPES, q)) return new PyGlobal(q);
    if (/^torch\.[A-Za-z0-9]+Storage$/.test(q)) this.fail(`tensor storage type ${q} is not supported (float32/64, float16, bfloat16 and integer storages are)`);
    throw new ForbiddenGlobalError(q);
  }

  run(): PyValue {
    const n = this.b.length;
    while (this.pos < n) {
      const at = this.pos;
      const op = this.b[this.pos++];
      switch (op) {
        case 0x80: { // PROTO
          const v = this.u8();
          if (v < 2 || v > 5) this.fail(`pickle protocol ${v} is not one torch.save writes`, at);
          break;
        }
        case 0x95: { // FRAME: a length hint only
          const len = this.u64();
          if (len > n - this.pos) this.fail(`a frame of ${len} bytes runs past the end`, at);
          break;
        }
        case 0x2e: { // STOP
          if (this.marks.length) this.fail('STOP with an open MARK', at);
          if (this.stack.length !== 1) this.fail(`STOP with ${this.stack.length} items on the stack (expected 1)`, at);
          return this.stack[0] as PyValue;
        }
        case 0x28: // MARK
          if (this.marks.length >= PICKLE_LIMITS.maxMarks) this.fail(`more than ${PICKLE_LIMITS.maxMarks} nested MARKs`, at);
          this.push(MARK);
          this.marks.push(this.stack.length - 1);
          break;
        case 0x7d: // EMPTY_DICT
          this.push(new PyDict());
          break;
        case 0x5d: // EMPTY_LIST
          this.push([]);
          break;
        case 0x29: // EMPTY_TUPLE
          this.push(new PyTuple([]));
          break;
        case 0x4e: // NONE
          this.push(null);
          break;
        case 0x88: // NEWTRUE
          this.push(true);
          break;
        case 0x89: // NEWFALSE
          this.push(false);
          break;
        case 0x4b: // BININT1
          this.push(this.u8());
          break;
        case 0x4d: // BININT2
          this.push(this.u16());
          break;
        case 0x4a: // BININT
          this.push(this.i32());
          break;
        case 0x8a: { // LONG1: little-endian two's complement of n bytes
          const len = this.u8();
          if (len > 8) this.fail(`an integer of ${len} bytes is larger than any tensor size`, at);
          this.need(len, 'LONG1');
          let v = 0n;
          for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.b[this.pos + i]);
          if (len > 0 && this.b[this.pos + len - 1] & 0x80) v -= 1n << BigInt(8 * len);
          this.pos += len;
          this.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
          break;
        }
        case 0x47: { // BINFLOAT (big-endian double)
          this.need(8, 'BINFLOAT');
          this.push(this.dv.getFloat64(this.pos, false));
          this.pos += 8;
          break;
        }
        case 0x58: // BINUNICODE
          this.push(this.text(this.u32(), 'a string'));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.push(this.text(this.u8(), 'a string'));
          break;
        case 0x8d: // BINUNICODE8
          this.push(this.text(this.u64(), 'a string'));
          break;
        case 0x63: { // GLOBAL "module\nname\n"
          const module = this.line('a GLOBAL module name');
          const name = this.line('a GLOBAL name');
          this.push(this.global(module, name));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop('STACK_GLOBAL');
          const module = this.pop('STACK_GLOBAL');
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings', at);
          this.push(this.global(module, name));
          break;
        }
        case 0x74: // TUPLE
          this.push(new PyTuple(this.popMark('TUPLE')));
          break;
        case 0x85: // TUPLE1
          this.push(new PyTuple([this.pop('TUPLE1')]));
          break;
        case 0x86: { // TUPLE2
          const b = this.pop('TUPLE2');
          const a = this.pop('TUPLE2');
          this.push(new PyTuple([a, b]));
          break;
        }
        case 0x87: { // TUPLE3
          const c = this.pop('TUPLE3');
          const b = this.pop('TUPLE3');
          const a = this.pop('TUPLE3');
          this.push(new PyTuple([a, b, c]));
          break;
        }
        case 0x61: { // APPEND
          const v = this.pop('APPEND');
          const list = this.top('APPEND');
          if (!Array.isArray(list)) this.fail(`APPEND onto ${describe(list)}`, at);
          list.push(v);
          break;
        }
        case 0x65: { // APPENDS
          const items = this.popMark('APPENDS');
          const list = this.top('APPENDS');
          if (!Array.isArray(list)) this.fail(`APPENDS onto ${describe(list)}`, at);
          for (const v of items) list.push(v);
          break;
        }
        case 0x73: { // SETITEM
          const v = this.pop('SETITEM');
          const k = this.pop('SETITEM');
          this.setItem(this.top('SETITEM'), k, v, at);
          break;
        }
        case 0x75: { // SETITEMS
          const items = this.popMark('SETITEMS');
          if (items.length % 2) this.fail('SETITEMS with an odd number of items', at);
          const d = this.top('SETITEMS');
          for (let i = 0; i < items.length; i += 2) this.setItem(d, items[i], items[i + 1], at);
          break;
        }
        case 0x62: { // BUILD: only the `_metadata` state torch sets on an OrderedDict
          const state = this.pop('BUILD');
          const obj = this.top('BUILD');
          if (!(obj instanceof PyDict)) this.fail(`BUILD on ${describe(obj)} is not part of a state_dict`, at);
          obj.state = state;
          break;
        }
        case 0x52: { // REDUCE
          const args = this.pop('REDUCE');
          const fn = this.pop('REDUCE');
          this.push(this.reduce(fn, args, at));
          break;
        }
        case 0x51: { // BINPERSID
          this.push(this.persistentLoad(this.pop('BINPERSID'), at));
          break;
        }
        case 0x71: // BINPUT
          this.memoPut(this.u8());
          break;
        case 0x72: // LONG_BINPUT
          this.memoPut(this.u32());
          break;
        case 0x94: // MEMOIZE
          this.memoPut(this.memo.size);
          break;
        case 0x68: // BINGET
          this.memoGet(this.u8());
          break;
        case 0x6a: // LONG_BINGET
          this.memoGet(this.u32());
          break;
        case 0x30: // POP
          if (this.stack.length && this.stack[this.stack.length - 1] === MARK) this.popMark('POP');
          else this.pop('POP');
          break;
        case 0x31: // POP_MARK
          this.popMark('POP_MARK');
          break;
        default:
          this.fail(`opcode 0x${op.toString(16).padStart(2, '0')} is not one torch.save emits for a state_dict; refusing it`, at);
      }
    }
    return this.fail('the pickle ends without STOP (truncated)');
  }

  private setItem(d: PyValue, k: PyValue, v: PyValue, at: number): void {
    if (!(d instanceof PyDict)) this.fail(`SETITEM on ${describe(d)}`, at);
    if (!(k === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof k))) this.fail(`a dict key is ${describe(k)}`, at);
    d.map.set(k as PyKey, v);
  }

  private persistentLoad(pid: PyValue, at: number): StorageRef {
    if (!(pid instanceof PyTuple) || pid.items.length !== 5 || pid.items[0] !== 'storage')
      this.fail(`a persistent id is ${describe(pid)}, not ('storage', type, key, location, numel)`, at);
    const [, cls, key, location, numel] = pid.items;
    if (!(cls instanceof PyGlobal) || !Object.hasOwn(STORAGE_DTYPES, cls.qualname)) this.fail(`a storage's type is ${describe(cls)}`, at);
    if (typeof key !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(key)) this.fail(`a storage key is ${describe(key)}`, at);
    if (typeof location !== 'string') this.fail(`storage "${key}" has location ${describe(location)}`, at);
    if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) this.fail(`storage "${key}" has size ${describe(numel)}`, at);
    const dtype = STORAGE_DTYPES[cls.qualname];
    const seen = this.storages.get(key);
    if (seen) {
      if (seen.dtype !== dtype || seen.numel !== numel) this.fail(`storage "${key}" is declared twice with different types or sizes`, at);
      return seen;
    }
    const s = new StorageRef(key, dtype, location, numel);
    this.storages.set(key, s);
    return s;
  }

  private reduce(fn: PyValue, args: PyValue, at: number): PyValue {
    if (!(fn instanceof PyGlobal) || !ALLOWED_CALLABLES.has(fn.qualname)) this.fail(`REDUCE calls ${describe(fn)}, which is not callable here`, at);
    if (!(args instanceof PyTuple)) this.fail(`REDUCE of ${fn.qualname} with ${describe(args)} instead of an argument tuple`, at);
    const a = args.items;
    switch (fn.qualname) {
      case 'collections.OrderedDict':
        if (a.length !== 0) this.fail('OrderedDict() is only accepted without arguments', at);
        return new PyDict();
      case 'torch._utils._rebuild_parameter':
        if (a.length < 1 || !(a[0] instanceof TensorRef)) this.fail('_rebuild_parameter without a tensor', at);
        return a[0];
      default:
        return this.rebuildTensor(a, at);
    }
  }

  /** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`. */
  private rebuildTensor(a: PyValue[], at: number): TensorRef {
    if (a.length !== 6 && a.length !== 7) this.fail(`_rebuild_tensor_v2 takes 6 or 7 arguments, got ${a.length}`, at);
    const [storage, offset, size, stride] = a;
    if (!(storage instanceof StorageRef)) this.fail(`_rebuild_tensor_v2's storage is ${describe(storage)}`, at);
    const ints = (v: PyValue, what: string): number[] => {
      if (!(v instanceof PyTuple) || v.items.length > PICKLE_LIMITS.maxTensorDims) this.fail(`a tensor's ${what} is ${describe(v)}`, at);
      return v.items.map((x) => {
        if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) this.fail(`a tensor's ${what} holds ${describe(x)}`, at);
        return x;
      });
    };
    const shape = ints(size, 'shape');
    const strides = ints(stride, 'stride');
    if (strides.length !== shape.length) this.fail(`a tensor has ${shape.length} dims but ${strides.length} strides`, at);
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) this.fail(`a tensor's storage offset is ${describe(offset)}`, at);
    let numel = 1;
    let last = offset; // highest element index the view touches
    for (let i = 0; i < shape.length; i++) {
      numel *= shape[i];
      last += (shape[i] - 1) * strides[i];
      if (!Number.isSafeInteger(numel) || !Number.isSafeInteger(last)) this.fail('a tensor is too large', at);
    }
    if (numel > 0 && last >= storage.numel)
      this.fail(`a tensor [${shape.join(', ')}] (offset ${offset}, stride [${strides.join(', ')}]) reaches element ${last} of storage "${storage.key}", which holds ${storage.numel}`, at);
    return new TensorRef(storage, offset, shape, strides);
  }
}
