// Hand-built torch.save archives for the hostile-file tests: a protocol-2 pickle writer (the opcodes
// torch.save uses, and any other byte a test wants), a state_dict in torch.save's own layout, and the
// zip around it.
import { zipArchive } from './zip-archive';

/** A pickle, op by op. */
export class Pickle {
  private readonly parts: number[] = [];

  op(...bytes: number[]): this {
    for (const byte of bytes) this.parts.push(byte);
    return this;
  }

  /** `count` copies of one opcode (push(...) of a million arguments would overflow the stack). */
  repeat(byte: number, count: number): this {
    for (let i = 0; i < count; i++) this.parts.push(byte);
    return this;
  }

  proto(version = 2): this { return this.op(0x80, version); }
  stop(): this { return this.op(0x2e); }
  mark(): this { return this.op(0x28); }
  none(): this { return this.op(0x4e); }
  bool(value: boolean): this { return this.op(value ? 0x88 : 0x89); }
  emptyTuple(): this { return this.op(0x29); }
  emptyDict(): this { return this.op(0x7d); }
  emptyList(): this { return this.op(0x5d); }
  tuple(): this { return this.op(0x74); }
  tuple1(): this { return this.op(0x85); }
  reduce(): this { return this.op(0x52); }
  build(): this { return this.op(0x62); }
  setitem(): this { return this.op(0x73); }
  setitems(): this { return this.op(0x75); }
  append(): this { return this.op(0x61); }
  binpersid(): this { return this.op(0x51); }
  put(index: number): this { return index < 256 ? this.op(0x71, index) : this.op(0x72, ...u32(index)); }
  get(index: number): this { return index < 256 ? this.op(0x68, index) : this.op(0x6a, ...u32(index)); }

  global(module: string, name: string): this {
    return this.op(0x63, ...new TextEncoder().encode(`${module}\n${name}\n`));
  }

  str(text: string): this {
    const bytes = new TextEncoder().encode(text);
    return this.op(0x58, ...u32(bytes.length), ...bytes);
  }

  int(value: number): this {
    if (value >= 0 && value < 256) return this.op(0x4b, value);
    if (value >= 0 && value < 65536) return this.op(0x4d, value & 0xff, value >> 8);
    if (value >= -(2 ** 31) && value < 2 ** 31) return this.op(0x4a, ...u32(value >>> 0));
    return this.long(BigInt(value));
  }

  long(value: bigint): this {
    const bytes: number[] = [];
    let v = value;
    do {
      bytes.push(Number(v & 0xffn));
      v >>= 8n;
    } while (!(v === 0n && (bytes[bytes.length - 1] & 0x80) === 0) && !(v === -1n && (bytes[bytes.length - 1] & 0x80) !== 0));
    return this.op(0x8a, bytes.length, ...bytes);
  }

  ints(values: number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

export interface TensorSpec {
  name: string;
  key: string;
  storageType?: string;
  numel: number;
  offset?: number;
  size: number[];
  stride?: number[];
}

function contiguous(size: number[]): number[] {
  const stride = new Array<number>(size.length);
  for (let i = size.length - 1, step = 1; i >= 0; step *= size[i], i--) stride[i] = step;
  return stride;
}

/** One tensor as torch.save writes it: _rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict()). */
export function tensorOps(p: Pickle, t: TensorSpec): Pickle {
  p.global('torch._utils', '_rebuild_tensor_v2').mark();
  p.mark().str('storage').global('torch', t.storageType ?? 'FloatStorage').str(t.key).str('cpu').int(t.numel).tuple().binpersid();
  p.int(t.offset ?? 0).ints(t.size).ints(t.stride ?? contiguous(t.size)).bool(false);
  return p.global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce();
}

/** An OrderedDict of the tensors, as torch.save(state_dict) pickles it. */
export function stateDictPickle(tensors: TensorSpec[]): Uint8Array {
  const p = new Pickle().proto().global('collections', 'OrderedDict').emptyTuple().reduce().mark();
  for (const t of tensors) tensorOps(p.str(t.name), t);
  return p.setitems().stop().bytes();
}

/** A torch.save archive holding `pickle` and the storages' bytes. */
export function torchArchive(pickle: Uint8Array, storages: Record<string, Uint8Array>, extra: Array<{ name: string; data: Uint8Array }> = []): Promise<Uint8Array> {
  return zipArchive([
    { name: 'archive/data.pkl', data: pickle, compress: false },
    { name: 'archive/byteorder', data: new TextEncoder().encode('little'), compress: false },
    ...Object.entries(storages).map(([key, data]) => ({ name: `archive/data/${key}`, data, compress: false })),
    { name: 'archive/version', data: new TextEncoder().encode('3\n'), compress: false },
    ...extra,
  ]);
}

export const floatBytes = (values: number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);
