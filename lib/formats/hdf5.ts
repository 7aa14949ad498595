// HDF5 files (Keras 2's .h5, the model.weights.h5 inside Keras 3's .keras) read with h5wasm, the
// HDF5 C library compiled to WebAssembly, from bytes in memory. The library sees only its own
// in-memory file system holding this one file; every path is walked one link at a time and anything
// but a hard link to a group or dataset (soft and external links) is refused before it is followed,
// as are virtual and filtered datasets. Sizes are checked against the file's before anything is read.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Tensor } from '../tensor';
import { elementCount } from './checked';

/** The compiled library's own functions (h5wasm's hdf5_util.js), used without h5wasm's wrapper classes, which hold one shared instance. */
type H5Module = typeof import('h5wasm').Module;
type H5Metadata = import('h5wasm').Metadata;
type Factory = (options: { noInitialRun: boolean; print?: (text: string) => void; printErr?: (text: string) => void }) => Promise<H5Module>;

/** The 8 bytes every HDF5 file without a user block starts with. */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_STRING = 3;
/** Deeper than any Keras weight path (layers/bidirectional/forward_layer/cell/vars/0). */
const MAX_PATH_DEPTH = 32;

export function looksLikeHdf5(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** h5wasm's compiled library, found as Node finds packages; the package exports only ES modules. */
function factoryFile(): string {
  for (const folder of require.resolve.paths('h5wasm') ?? []) {
    const file = path.join(folder, 'h5wasm', 'dist', 'esm', 'hdf5_util.js');
    if (fs.existsSync(file)) return file;
  }
  throw new Error('vanilla-rnn: the h5wasm package is not installed; it reads Keras .h5 and .keras files');
}

// Node 20.19 and later load an ES module with require() (which vitest's module runner also provides);
// older ones only through import(), which TypeScript's CommonJS output would turn into require().
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{ default: Factory }>;

let factory: Promise<Factory> | null = null;

function loadFactory(): Promise<Factory> {
  factory ??= (async () => {
    const file = factoryFile();
    try {
      return (require(file) as { default: Factory }).default;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw error;
      return (await importModule(pathToFileURL(file).href)).default;
    }
  })();
  return factory;
}

let instance: Promise<H5Module> | null = null;

/**
 * The library, instantiated once. A trap inside WebAssembly (a bug a hostile file found) may leave
 * its memory broken, so after one the next file gets a fresh instance.
 */
function library(): Promise<H5Module> {
  instance ??= (async () => {
    const create = await loadFactory();
    const module = await create({ noInitialRun: true, print: () => {}, printErr: () => {} });
    // Errors become exceptions carrying HDF5's error stack, instead of text printed to stderr.
    module.activate_throwing_error_handler();
    return module;
  })();
  return instance;
}

const wasmRuntimeError = (globalThis as { WebAssembly?: { RuntimeError: new () => Error } }).WebAssembly?.RuntimeError;

/** Forgets the instance after a trap or an abort, whose state cannot be trusted any more. */
function forgetAfterTrap(error: unknown): void {
  const aborted = error instanceof Error && /^Aborted\(/.test(error.message);
  if (aborted || (wasmRuntimeError && error instanceof wasmRuntimeError)) instance = null;
}

/** The innermost message of an HDF5 error stack ("truncated file: eof = 5000, ..."), else the message. */
function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = [...text.matchAll(/#\d+: .* in [\w]+\(\): (.*)$/gm)].map((m) => m[1].trim());
  return lines.length > 0 ? lines[lines.length - 1] : text.split('\n')[0];
}

export interface Hdf5Attribute {
  type: 'string' | 'strings' | 'other';
  value: unknown;
}

/** Strings as the library stores them: pointers to C strings (variable length) or fixed-size fields. */
function decodeStrings(module: H5Module, bytes: Uint8Array, metadata: H5Metadata): string[] {
  if (metadata.vlen) {
    const pointers = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    return Array.from(pointers, (pointer) => module.UTF8ToString(pointer));
  }
  const decoder = new TextDecoder(metadata.cset === 1 ? 'utf-8' : 'latin1');
  return Array.from({ length: bytes.length / metadata.size }, (_, i) => {
    const field = bytes.subarray(i * metadata.size, (i + 1) * metadata.size);
    const end = field.indexOf(0);
    return decoder.decode(end < 0 ? field : field.subarray(0, end));
  });
}

/** One open HDF5 file, read synchronously while withHdf5 runs its callback. */
export class Hdf5Reader {
  constructor(private readonly module: H5Module, private readonly fileId: bigint, readonly label: string, private readonly fileSize: number) {}

  /** 'group', 'dataset', or null when nothing is at `objectPath` (every link on the way checked). */
  kind(objectPath: string): 'group' | 'dataset' | null {
    const parts = objectPath.split('/').filter((p) => p !== '');
    if (parts.length > MAX_PATH_DEPTH) throw new RangeError(`${this.label}: HDF5 path '${objectPath}' is deeper than ${MAX_PATH_DEPTH} levels`);
    let kind: 'group' | 'dataset' | null = 'group';
    let at = '';
    for (const part of parts) {
      if (kind !== 'group') return null;
      at += `/${part}`;
      kind = this.linkKind(at);
    }
    return kind;
  }

  private linkKind(objectPath: string): 'group' | 'dataset' | null {
    const m = this.module;
    const type = this.guard(() => m.get_type(this.fileId, objectPath), objectPath);
    if (type === m.H5G_GROUP) return 'group';
    if (type === m.H5G_DATASET) return 'dataset';
    if (type === m.H5G_UDLINK) {
      const { filename } = this.guard(() => m.get_external_link(this.fileId, objectPath), objectPath);
      throw new Error(`${this.label}: HDF5 object '${objectPath}' is an external link to ${JSON.stringify(filename)}; links to other files are not followed`);
    }
    if (type === m.H5G_LINK) throw new Error(`${this.label}: HDF5 object '${objectPath}' is a dangling soft link`);
    if (type === m.H5G_TYPE) throw new Error(`${this.label}: HDF5 object '${objectPath}' is a named datatype, not a group or dataset`);
    return null;
  }

  /** The names in the group at `groupPath`; null when there is no such group. */
  keys(groupPath: string): string[] | null {
    if (this.kind(groupPath) !== 'group') return null;
    return this.guard(() => this.module.get_names(this.fileId, groupPath, false), groupPath);
  }

  /** A string attribute (variable or fixed length), a list of strings, or null when absent. */
  attribute(objectPath: string, name: string): Hdf5Attribute | null {
    const m = this.module;
    const names = this.guard(() => m.get_attribute_names(this.fileId, objectPath), objectPath) as string[];
    if (!names.includes(name)) return null;
    const where = `${objectPath === '/' ? '' : objectPath}@${name}`;
    const metadata = this.guard(() => m.get_attribute_metadata(this.fileId, objectPath, name), where) as H5Metadata;
    const shape = metadata.shape ?? [];
    const count = elementCount(shape, `${this.label}: HDF5 attribute ${where}`);
    if (metadata.type !== H5T_STRING) return { type: 'other', value: `an attribute of HDF5 type class ${metadata.type}` };
    // Fixed-length strings take their size each in the file; variable-length ones a pointer here.
    const bytes = count * (metadata.vlen ? 4 : metadata.size);
    if (!metadata.vlen && bytes > this.fileSize) {
      throw new RangeError(`${this.label}: HDF5 attribute ${where} declares ${bytes} bytes, more than the file's ${this.fileSize}`);
    }
    const strings = this.withBuffer(bytes, where, (pointer) => {
      this.guard(() => m.get_attribute_data(this.fileId, objectPath, name, BigInt(pointer)), where);
      try {
        return decodeStrings(m, m.HEAPU8.slice(pointer, pointer + bytes), metadata);
      } finally {
        if (metadata.vlen) m.reclaim_vlen_memory(this.fileId, objectPath, name, BigInt(pointer));
      }
    });
    if (shape.length === 0) return { type: 'string', value: strings[0] };
    return { type: shape.length === 1 ? 'strings' : 'other', value: strings };
  }

  /** A float32 dataset as a tensor: refused for any other type, virtual or filtered storage, or a size beyond the file's. */
  float32(objectPath: string): Tensor {
    const m = this.module;
    const what = `${this.label}: HDF5 dataset '${objectPath}'`;
    if (this.kind(objectPath) !== 'dataset') throw new Error(`${what} is missing`);
    const metadata = this.guard(() => m.get_dataset_metadata(this.fileId, objectPath), objectPath);
    if (metadata.virtual_sources && metadata.virtual_sources.length > 0) throw new Error(`${what} is a virtual dataset (its data lies in other files); it is not read`);
    const filters = this.guard(() => m.get_dataset_filters(this.fileId, objectPath), objectPath);
    if (filters.length > 0) throw new Error(`${what} is stored through HDF5 filters (${filters.map((f) => f.name || f.id).join(', ')}); only plain storage is read`);
    if (metadata.type !== H5T_FLOAT || metadata.size !== 4 || metadata.vlen || !metadata.littleEndian) {
      throw new TypeError(`${what} holds ${describeType(metadata)}; weights must be little-endian float32`);
    }
    const shape = metadata.shape ?? [];
    const count = elementCount(shape, what);
    if (count * 4 > this.fileSize) throw new RangeError(`${what}: shape [${shape.join(', ')}] needs ${count * 4} bytes, the file has ${this.fileSize}`);
    const data = this.withBuffer(count * 4, objectPath, (pointer) => {
      this.guard(() => m.get_dataset_data(this.fileId, objectPath, null, null, null, BigInt(pointer)), objectPath);
      return new Float32Array(m.HEAPU8.slice(pointer, pointer + count * 4).buffer);
    });
    return { data, shape: shape.slice() };
  }

  /** Runs `use` on `bytes` of the library's memory, freed afterwards. */
  private withBuffer<T>(bytes: number, objectPath: string, use: (pointer: number) => T): T {
    const pointer = this.guard(() => this.module._malloc(Math.max(bytes, 1)), objectPath);
    if (pointer === 0) throw new RangeError(`${this.label}: HDF5 object '${objectPath}': cannot allocate ${bytes} bytes to read it`);
    try {
      return use(pointer);
    } finally {
      this.module._free(pointer);
    }
  }

  /** Runs one library call, turning its errors into ones that name the file and object. */
  private guard<T>(call: () => T, objectPath: string): T {
    try {
      return call();
    } catch (error) {
      forgetAfterTrap(error);
      throw new Error(`${this.label}: cannot read HDF5 object '${objectPath}': ${hdf5Reason(error)}`);
    }
  }
}

function describeType(metadata: H5Metadata): string {
  if (metadata.type === H5T_FLOAT) return `${metadata.size * 8}-bit ${metadata.littleEndian ? '' : 'big-endian '}floats`;
  if (metadata.type === H5T_INTEGER) return `${metadata.size * 8}-bit integers`;
  if (metadata.type === H5T_STRING) return 'strings';
  return `HDF5 type class ${metadata.type}`;
}

let files = 0;

/**
 * Opens `bytes` as an HDF5 file and runs `read` on it synchronously, so no other file is opened
 * meanwhile; the file is closed and its in-memory copy removed whatever happens.
 */
export async function withHdf5<T>(bytes: Uint8Array, label: string, read: (file: Hdf5Reader) => T): Promise<T> {
  if (!looksLikeHdf5(bytes)) throw new Error(`${label}: not an HDF5 file (no HDF5 signature at its start)`);
  const module = await library();
  const name = `/model-${++files}.h5`;
  module.FS.writeFile(name, bytes);
  let fileId: bigint | null = null;
  try {
    try {
      fileId = module.open(name, module.H5F_ACC_RDONLY, false, -1, -1);
    } catch (error) {
      forgetAfterTrap(error);
      throw new Error(`${label}: not a valid HDF5 file (${hdf5Reason(error)})`);
    }
    return read(new Hdf5Reader(module, fileId as bigint, label, bytes.length));
  } finally {
    try {
      if (fileId !== null) module.close_file(fileId);
    } catch (error) {
      // A file HDF5 could not read may not close cleanly either; its copy is removed below.
      forgetAfterTrap(error);
    }
    try {
      module.FS.unlink(name);
    } catch {
      // An instance a trap broke is dropped whole.
    }
  }
}
