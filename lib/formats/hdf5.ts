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

type H5wasm = typeof import('h5wasm');
type H5File = InstanceType<H5wasm['File']>;
type H5Metadata = import('h5wasm').Metadata;

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

/** h5wasm's folder, found as Node finds packages; the package exports only an ES module. */
function h5wasmEntry(): string {
  for (const folder of require.resolve.paths('h5wasm') ?? []) {
    const entry = path.join(folder, 'h5wasm', 'dist', 'esm', 'hdf5_hl.js');
    if (fs.existsSync(entry)) return entry;
  }
  throw new Error('vanilla-rnn: the h5wasm package is not installed; it reads Keras .h5 and .keras files');
}

// Node 20.19 and later load an ES module with require() (which vitest's module runner also provides);
// older ones only through import(), which TypeScript's CommonJS output would turn into require().
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<H5wasm>;

async function loadModule(entry: string, instanceNumber: number): Promise<H5wasm> {
  const url = pathToFileURL(entry);
  if (instanceNumber > 1) {
    // A fresh instance needs a module of its own: the same file under another URL.
    url.search = `?instance=${instanceNumber}`;
    return importModule(url.href);
  }
  try {
    return require(entry) as H5wasm;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw error;
    return importModule(url.href);
  }
}

let instance: Promise<H5wasm> | null = null;
let instances = 0;

/**
 * The library, instantiated once. A trap inside WebAssembly (a bug the file found) may leave the
 * library's state broken, so after one the next file gets a fresh instance.
 */
function library(): Promise<H5wasm> {
  instance ??= (async () => {
    const h5 = await loadModule(h5wasmEntry(), ++instances);
    const module = await h5.ready;
    // Errors become exceptions carrying HDF5's error stack, instead of text printed to stderr.
    module.activate_throwing_error_handler();
    return h5;
  })();
  return instance;
}

const wasmRuntimeError = (globalThis as { WebAssembly?: { RuntimeError: new () => Error } }).WebAssembly?.RuntimeError;

function forgetAfterTrap(error: unknown): void {
  if (wasmRuntimeError && error instanceof wasmRuntimeError) instance = null;
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

/** One open HDF5 file, read synchronously while withHdf5 runs its callback. */
export class Hdf5Reader {
  constructor(private readonly file: H5File, private readonly h5: H5wasm, readonly label: string, private readonly fileSize: number) {}

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
    const module = this.h5.Module;
    const type = this.guard(() => this.file.get_type(objectPath), objectPath);
    if (type === module.H5G_GROUP) return 'group';
    if (type === module.H5G_DATASET) return 'dataset';
    if (type === module.H5G_UDLINK) {
      const { filename } = this.guard(() => this.file.get_external_link(objectPath), objectPath);
      throw new Error(`${this.label}: HDF5 object '${objectPath}' is an external link to ${JSON.stringify(filename)}; links to other files are not followed`);
    }
    if (type === module.H5G_LINK) throw new Error(`${this.label}: HDF5 object '${objectPath}' is a dangling soft link`);
    if (type === module.H5G_TYPE) throw new Error(`${this.label}: HDF5 object '${objectPath}' is a named datatype, not a group or dataset`);
    return null;
  }

  /** The names in the group at `groupPath`, sorted as HDF5 lists them; null when there is no such group. */
  keys(groupPath: string): string[] | null {
    if (this.kind(groupPath) !== 'group') return null;
    const group = this.guard(() => this.file.get(groupPath), groupPath) as InstanceType<H5wasm['Group']>;
    return this.guard(() => group.keys(), groupPath);
  }

  /** A string attribute (variable or fixed length), a list of strings, or null when absent. */
  attribute(objectPath: string, name: string): Hdf5Attribute | null {
    const module = this.h5.Module;
    const names = this.guard(() => module.get_attribute_names(this.file.file_id, objectPath), objectPath) as string[];
    if (!names.includes(name)) return null;
    const where = `${objectPath === '/' ? '' : objectPath}@${name}`;
    const metadata = this.guard(() => module.get_attribute_metadata(this.file.file_id, objectPath, name), where) as H5Metadata;
    const shape = metadata.shape ?? [];
    const count = elementCount(shape, `${this.label}: HDF5 attribute ${where}`);
    if (metadata.type !== H5T_STRING) return { type: 'other', value: `an attribute of HDF5 type class ${metadata.type}` };
    // Fixed-length strings take their size each in the file; variable-length ones point into its heap.
    if (!metadata.vlen && count * metadata.size > this.fileSize) {
      throw new RangeError(`${this.label}: HDF5 attribute ${where} declares ${count * metadata.size} bytes, more than the file's ${this.fileSize}`);
    }
    const owner = objectPath === '/' ? this.file : this.guard(() => this.file.get(objectPath), objectPath) as InstanceType<H5wasm['Group']>;
    const value = this.guard(() => owner.get_attribute(name, false), where);
    if (shape.length === 0) return { type: 'string', value: Array.isArray(value) ? value[0] : value };
    return { type: shape.length === 1 && Array.isArray(value) ? 'strings' : 'other', value };
  }

  /** A float32 dataset as a tensor: refused for any other type, virtual or filtered storage, or a size beyond the file's. */
  float32(objectPath: string): Tensor {
    const what = `${this.label}: HDF5 dataset '${objectPath}'`;
    if (this.kind(objectPath) !== 'dataset') throw new Error(`${what} is missing`);
    const dataset = this.guard(() => this.file.get(objectPath), objectPath) as InstanceType<H5wasm['Dataset']>;
    const metadata = this.guard(() => dataset.metadata, objectPath);
    if (metadata.virtual_sources && metadata.virtual_sources.length > 0) throw new Error(`${what} is a virtual dataset (its data lies in other files); it is not read`);
    const filters = this.guard(() => dataset.filters, objectPath);
    if (filters.length > 0) throw new Error(`${what} is stored through HDF5 filters (${filters.map((f) => f.name || f.id).join(', ')}); only plain storage is read`);
    if (metadata.type !== H5T_FLOAT || metadata.size !== 4 || metadata.vlen || !metadata.littleEndian) {
      throw new TypeError(`${what} holds ${describeType(metadata)}; weights must be little-endian float32`);
    }
    const shape = metadata.shape ?? [];
    const count = elementCount(shape, what);
    if (count * 4 > this.fileSize) throw new RangeError(`${what}: shape [${shape.join(', ')}] needs ${count * 4} bytes, the file has ${this.fileSize}`);
    const value = this.guard(() => dataset.value, objectPath);
    if (!(value instanceof Float32Array) || value.length !== count) throw new Error(`${what}: HDF5 returned ${value instanceof Float32Array ? value.length : typeof value} values for shape [${shape.join(', ')}]`);
    return { data: value, shape: shape.slice() };
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
  const h5 = await library();
  const name = `/model-${++files}.h5`;
  h5.FS!.writeFile(name, bytes);
  let file: H5File | null = null;
  try {
    try {
      file = new h5.File(name, 'r');
    } catch (error) {
      forgetAfterTrap(error);
      throw new Error(`${label}: not a valid HDF5 file (${hdf5Reason(error)})`);
    }
    return read(new Hdf5Reader(file, h5, label, bytes.length));
  } finally {
    try {
      file?.close();
    } catch {
      // A file HDF5 could not read may not close cleanly either; its copy is removed below.
    }
    h5.FS!.unlink(name);
  }
}
