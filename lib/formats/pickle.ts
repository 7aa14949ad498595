// A restricted reader of Python pickles, for the data.pkl of torch.save archives. It knows the
// opcodes of protocol 2 that torch's own weights_only unpickler accepts and runs nothing: every
// GLOBAL is handed to the caller's `resolveGlobal`, which refuses what it does not know, and REDUCE
// and BINPERSID reach only what the caller made. The stack, the memo and the values made are
// bounded, and every length read from the bytes is checked against the bytes that are left.
import { MalformedFileError, UnsupportedError } from '../errors';

/** A Python tuple (a JS array is a Python list). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

export type PyKey = string | number | bigint | boolean | null;

/** A dict or collections.OrderedDict, in insertion order. */
export class PyDict {
  readonly entries = new Map<PyKey, PyValue>();
}

/** A value the caller's hooks made (a callable a GLOBAL named, a storage, a tensor). */
export class PyOpaque<T = unknown> {
  constructor(readonly kind: string, readonly value: T) {}
}

export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyTuple | PyValue[] | PyDict | PyOpaque;

export interface PickleHooks {
  /** The value of `module.name`; throws for any global not allowed. */
  resolveGlobal(module: string, name: string): PyOpaque;
  /** Calls an allowed callable (REDUCE). */
  reduce(callable: PyOpaque, args: PyValue[]): PyValue;
  /** BINPERSID: the object a persistent id names. */
  persistentLoad(pid: PyValue): PyValue;
}

/** More values than a state_dict's pickle makes (a few per tensor). */
export const MAX_PICKLE_VALUES = 1_000_000;

const OP = {
  MARK: 0x28, STOP: 0x2e, BINFLOAT: 0x47, BININT: 0x4a, BININT1: 0x4b, BININT2: 0x4d, NONE: 0x4e,
  BINPERSID: 0x51, REDUCE: 0x52, SHORT_BINSTRING: 0x55, BINUNICODE: 0x58, EMPTY_LIST: 0x5d, APPEND: 0x61,
  BUILD: 0x62, GLOBAL: 0x63, APPENDS: 0x65, BINGET: 0x68, LONG_BINGET: 0x6a, EMPTY_DICT: 0x7d, SETITEM: 0x73,
  TUPLE: 0x74, SETITEMS: 0x75, EMPTY_TUPLE: 0x29, BINPUT: 0x71, LONG_BINPUT: 0x72, PROTO: 0x80, NEWTRUE: 0x88,
  NEWFALSE: 0x89, LONG1: 0x8a, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87, EMPTY_SET: 0x8f,
} as const;

/** Opcodes of other protocols or of object construction, named when refused. */
const REFUSED = {
  PERSID: 0x50, INST: 0x69, OBJ: 0x6f, NEWOBJ: 0x81, EXT1: 0x82, EXT2: 0x83, EXT4: 0x84, LONG4: 0x8b,
  SHORT_BINUNICODE: 0x8c, BINUNICODE8: 0x8d, BINBYTES8: 0x8e, ADDITEMS: 0x90, FROZENSET: 0x91, NEWOBJ_EX: 0x92,
  STACK_GLOBAL: 0x93, MEMOIZE: 0x94, FRAME: 0x95, BINBYTES: 0x42, SHORT_BINBYTES: 0x43,
} as const;

const OP_NAMES = new Map<number, string>(Object.entries({ ...OP, ...REFUSED }).map(([name, code]) => [code, name]));

const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  private position = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array, private readonly what: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.position;
  }

  take(count: number): Uint8Array {
    if (count > this.bytes.length - this.position) {
      throw new MalformedFileError(`${this.what}: truncated: ${count} bytes needed at offset ${this.position}, ${this.bytes.length - this.position} left`);
    }
    const slice = this.bytes.subarray(this.position, this.position + count);
    this.position += count;
    return slice;
  }

  byte(): number {
    return this.take(1)[0];
  }

  uint16(): number {
    return this.number(2, (o) => this.view.getUint16(o, true));
  }

  int32(): number {
    return this.number(4, (o) => this.view.getInt32(o, true));
  }

  uint32(): number {
    return this.number(4, (o) => this.view.getUint32(o, true));
  }

  float64BigEndian(): number {
    return this.number(8, (o) => this.view.getFloat64(o, false));
  }

  /** A line ending in \n (GLOBAL's module and name), at most 256 bytes. */
  line(): string {
    const end = this.bytes.subarray(this.position, this.position + 257).indexOf(0x0a);
    if (end < 0) throw new MalformedFileError(`${this.what}: a GLOBAL name at offset ${this.position} has no end of line within 256 bytes`);
    const text = this.text(this.take(end));
    this.position += 1;
    return text;
  }

  text(bytes: Uint8Array): string {
    try {
      return utf8.decode(bytes);
    } catch {
      throw new MalformedFileError(`${this.what}: a string at offset ${this.position - bytes.length} is not valid UTF-8`, { base: 'SyntaxError' });
    }
  }

  private number(size: number, read: (offset: number) => number): number {
    const start = this.position;
    this.take(size);
    return read(start);
  }
}

/** LONG1's little-endian two's-complement integer, as a number when it is a safe integer. */
function decodeLong(bytes: Uint8Array): number | bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes.length > 0 && bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function typeName(value: PyValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'list';
  if (value instanceof PyTuple) return 'tuple';
  if (value instanceof PyDict) return 'dict';
  if (value instanceof PyOpaque) return value.kind;
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value === 'string' ? 'str' : typeof value === 'boolean' ? 'bool' : typeof value === 'number' && !Number.isInteger(value) ? 'float' : 'int';
}

function dictKey(value: PyValue, what: string): PyKey {
  if (value === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof value)) return value as PyKey;
  throw new UnsupportedError(`${what}: a dict key of type ${typeName(value)}; only str, int, float, bool and None keys are read`, { base: 'Error' });
}

class Machine {
  private stack: PyValue[] = [];
  private readonly marks: PyValue[][] = [];
  private readonly memo = new Map<number, PyValue>();
  private made = 0;

  constructor(private readonly reader: Reader, private readonly hooks: PickleHooks, private readonly what: string) {}

  run(): PyValue {
    for (;;) {
      const at = this.reader.offset;
      const op = this.reader.byte();
      if (op === OP.STOP) return this.finish();
      this.step(op, at);
    }
  }

  private finish(): PyValue {
    if (this.marks.length > 0 || this.stack.length !== 1) {
      throw new MalformedFileError(`${this.what}: STOP with ${this.stack.length} values on the stack and ${this.marks.length} open marks; expected one value`);
    }
    return this.stack[0];
  }

  private push(value: PyValue): void {
    if (++this.made > MAX_PICKLE_VALUES) throw new MalformedFileError(`${this.what}: makes more than ${MAX_PICKLE_VALUES} values, more than any state_dict`);
    this.stack.push(value);
  }

  private pop(op: string): PyValue {
    if (this.stack.length === 0) throw new MalformedFileError(`${this.what}: ${op} on an empty stack`);
    return this.stack.pop()!;
  }

  private top(op: string): PyValue {
    if (this.stack.length === 0) throw new MalformedFileError(`${this.what}: ${op} on an empty stack`);
    return this.stack[this.stack.length - 1];
  }

  private popMark(op: string): PyValue[] {
    const items = this.stack;
    const outer = this.marks.pop();
    if (outer === undefined) throw new MalformedFileError(`${this.what}: ${op} without a MARK`);
    this.stack = outer;
    return items;
  }

  private dictOnTop(op: string): PyDict {
    const target = this.top(op);
    if (!(target instanceof PyDict)) throw new UnsupportedError(`${this.what}: ${op} on a ${typeName(target)}; only dicts take items`, { base: 'Error' });
    return target;
  }

  private listOnTop(op: string): PyValue[] {
    const target = this.top(op);
    if (!Array.isArray(target)) throw new UnsupportedError(`${this.what}: ${op} on a ${typeName(target)}; only lists are appended to`, { base: 'Error' });
    return target;
  }

  private setItems(dict: PyDict, items: PyValue[]): void {
    if (items.length % 2 !== 0) throw new MalformedFileError(`${this.what}: SETITEMS with an odd number of values (${items.length})`);
    for (let i = 0; i < items.length; i += 2) dict.entries.set(dictKey(items[i], this.what), items[i + 1]);
  }

  private memoGet(index: number): PyValue {
    if (!this.memo.has(index)) throw new MalformedFileError(`${this.what}: memo entry ${index} is read before it is written`);
    return this.memo.get(index)!;
  }

  private memoPut(index: number): void {
    if (!this.memo.has(index) && this.memo.size >= MAX_PICKLE_VALUES) throw new MalformedFileError(`${this.what}: more than ${MAX_PICKLE_VALUES} memo entries`);
    this.memo.set(index, this.top('BINPUT'));
  }

  private tupleOf(count: number): void {
    if (this.stack.length < count) throw new MalformedFileError(`${this.what}: TUPLE${count} with ${this.stack.length} values on the stack`);
    this.stack.push(new PyTuple(this.stack.splice(this.stack.length - count, count)));
  }

  private reduce(): void {
    const args = this.pop('REDUCE');
    const callable = this.pop('REDUCE');
    if (!(callable instanceof PyOpaque) || !(args instanceof PyTuple)) {
      throw new UnsupportedError(`${this.what}: REDUCE of a ${typeName(callable)} with ${typeName(args)} arguments; only the allowed globals are called`, { base: 'Error' });
    }
    this.push(this.hooks.reduce(callable, args.items));
  }

  /** BUILD sets an object's attributes: allowed on dicts (an OrderedDict's _metadata), where they are dropped. */
  private build(): void {
    const state = this.pop('BUILD');
    const target = this.top('BUILD');
    if (!(target instanceof PyDict)) {
      throw new UnsupportedError(`${this.what}: BUILD of a ${typeName(target)} with ${typeName(state)} state; only OrderedDicts are built, as torch.load(weights_only=True) does`, { base: 'Error' });
    }
  }

  private step(op: number, at: number): void {
    const r = this.reader;
    switch (op) {
      case OP.PROTO: {
        const version = r.byte();
        if (version > 2) {
          throw new UnsupportedError(`${this.what}: pickle protocol ${version}; only protocol 2, torch.save's default, is read `
            + '(save again without pickle_protocol)', { base: 'Error' });
        }
        return;
      }
      case OP.MARK:
        if (this.marks.length >= MAX_PICKLE_VALUES) throw new MalformedFileError(`${this.what}: more than ${MAX_PICKLE_VALUES} open marks`);
        this.marks.push(this.stack);
        this.stack = [];
        return;
      case OP.GLOBAL: {
        const module = r.line();
        const name = r.line();
        return this.push(this.hooks.resolveGlobal(module, name));
      }
      case OP.REDUCE: return this.reduce();
      case OP.BUILD: return this.build();
      case OP.BINPERSID: return this.push(this.hooks.persistentLoad(this.pop('BINPERSID')));
      case OP.NONE: return this.push(null);
      case OP.NEWTRUE: return this.push(true);
      case OP.NEWFALSE: return this.push(false);
      case OP.BININT: return this.push(r.int32());
      case OP.BININT1: return this.push(r.byte());
      case OP.BININT2: return this.push(r.uint16());
      case OP.LONG1: return this.push(decodeLong(r.take(r.byte())));
      case OP.BINFLOAT: return this.push(r.float64BigEndian());
      case OP.BINUNICODE: return this.push(r.text(r.take(r.uint32())));
      case OP.SHORT_BINSTRING: return this.push(r.text(r.take(r.byte())));
      case OP.EMPTY_TUPLE: return this.push(new PyTuple([]));
      case OP.EMPTY_LIST: return this.push([]);
      case OP.EMPTY_DICT: return this.push(new PyDict());
      case OP.EMPTY_SET: return this.push(new PyOpaque('set', null));
      case OP.TUPLE: return this.push(new PyTuple(this.popMark('TUPLE')));
      case OP.TUPLE1: return this.tupleOf(1);
      case OP.TUPLE2: return this.tupleOf(2);
      case OP.TUPLE3: return this.tupleOf(3);
      case OP.APPEND: {
        const item = this.pop('APPEND');
        this.listOnTop('APPEND').push(item);
        return;
      }
      case OP.APPENDS: {
        const items = this.popMark('APPENDS');
        const list = this.listOnTop('APPENDS');
        for (const item of items) list.push(item);
        return;
      }
      case OP.SETITEM: {
        const value = this.pop('SETITEM');
        const key = this.pop('SETITEM');
        return this.setItems(this.dictOnTop('SETITEM'), [key, value]);
      }
      case OP.SETITEMS: {
        const items = this.popMark('SETITEMS');
        return this.setItems(this.dictOnTop('SETITEMS'), items);
      }
      case OP.BINGET: return this.push(this.memoGet(r.byte()));
      case OP.LONG_BINGET: return this.push(this.memoGet(r.uint32()));
      case OP.BINPUT: return this.memoPut(r.byte());
      case OP.LONG_BINPUT: return this.memoPut(r.uint32());
      default: {
        const name = OP_NAMES.get(op);
        throw new UnsupportedError(`${this.what}: pickle opcode ${name ?? `0x${op.toString(16).padStart(2, '0')}`} at offset ${at} is not one torch.load(weights_only=True) reads`, { base: 'Error' });
      }
    }
  }
}

/** Reads a pickle; `what` names the file (and entry) in errors. */
export function unpickle(bytes: Uint8Array, hooks: PickleHooks, what: string): PyValue {
  return new Machine(new Reader(bytes, what), hooks, what).run();
}

export { typeName as pythonTypeName };
