// HDF5 files (Keras 2's .h5, the model.weights.h5 inside Keras 3's .keras) read with h5wasm, the
// HDF5 C library compiled to WebAssembly, from bytes in memory, in a worker thread: the library
// sees only its own in-memory file system holding this one file, and a file it loops on is stopped
// by a time limit. The worker lists the file's objects first (the catalog); every path is then
// walked one link at a time and anything but a hard link to a group or dataset (soft and external
// links) is refused before it is followed, as are virtual and filtered datasets, other dtypes than
// float32 and sizes beyond the file's, before the worker reads the datasets asked for.
import { MalformedFileError, UnsupportedError } from '../errors';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Tensor } from '../tensor';
import { elementCount } from './checked';
import { hdf5WorkerProgram, type Catalog, type CatalogAttribute, type CatalogObject, type WorkerLimits } from './hdf5-worker';

/** The 8 bytes every HDF5 file without a user block starts with. */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_STRING = 3;
/** Deeper than any Keras weight path (layers/bidirectional/forward_layer/cell/vars/0). */
const MAX_PATH_DEPTH = 32;
const LIMITS: WorkerLimits = { maxObjects: 100_000, maxDepth: MAX_PATH_DEPTH, skipRoots: ['optimizer', 'optimizer_weights'] };
/**
 * Listing a Keras file takes milliseconds once the library is loaded (the limit starts then); HDF5
 * looping on a hostile one never ends.
 */
const CATALOG_TIME_LIMIT_MS = 5_000;
/** Reading the weights: the time limit grows with their size (at 10 MB/s, far below any machine). */
const READ_TIME_LIMIT_MS = (bytes: number) => 5_000 + bytes / 10_000;

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

interface Reply { id: number; result?: unknown; error?: string; invalid?: boolean; ready?: boolean }

/** The one worker, started on first use, unref'd so it never keeps the process alive. */
class Hdf5Worker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  private requests = 0;
  /** Settles once the worker has loaded the library. */
  private readonly ready: Promise<void>;
  private started: (error?: Error) => void = () => {};
  dead = false;

  constructor() {
    const file = factoryFile();
    this.worker = new Worker(`(${hdf5WorkerProgram.toString()})()`, {
      eval: true, workerData: { factoryFile: file, factoryUrl: pathToFileURL(file).href, limits: LIMITS },
    });
    this.ready = new Promise<void>((resolve, reject) => { this.started = (error) => (error ? reject(error) : resolve()); });
    this.ready.catch(() => undefined);
    this.worker.on('message', (reply: Reply) => {
      if (reply.ready !== undefined) this.started(reply.ready ? undefined : new Error(`vanilla-rnn: the HDF5 library did not load: ${reply.error}`));
      else this.pending.get(reply.id)?.resolve(reply);
    });
    this.worker.on('error', (error) => this.stop(new MalformedFileError(`the HDF5 reader failed: ${error.message}`, { base: 'Error' })));
    this.worker.on('exit', () => this.stop(new Error('the HDF5 reader stopped')));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    this.worker.unref();
  }

  /**
   * One request, refused when it outlasts `limitMs` (the worker is then stopped). The worker keeps
   * the process alive while a request waits on it, and only then.
   */
  async request(message: Record<string, unknown>, limitMs: number, label: string): Promise<Reply> {
    this.worker.ref();
    try {
      await this.ready;
      if (this.dead) throw new Error(`${label}: the HDF5 reader stopped`);
      return await this.send(message, limitMs, label);
    } finally {
      if (this.pending.size === 0) this.worker.unref();
    }
  }

  private send(message: Record<string, unknown>, limitMs: number, label: string): Promise<Reply> {
    const id = ++this.requests;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stop(new MalformedFileError(`${label}: HDF5 did not finish reading the file within ${Math.round(limitMs)} ms (it loops on some damaged files); the file is refused`, { base: 'Error' }));
      }, limitMs);
      this.pending.set(id, {
        resolve: (reply) => { clearTimeout(timer); this.pending.delete(id); resolve(reply); },
        reject: (error) => { clearTimeout(timer); this.pending.delete(id); reject(error); },
      });
      this.worker.postMessage({ ...message, id });
    });
  }

  private stop(error: Error): void {
    this.started(error);
    if (!this.dead) {
      this.dead = true;
      void this.worker.terminate();
    }
    for (const { reject } of [...this.pending.values()]) reject(error);
  }
}

let shared: Hdf5Worker | null = null;
const worker = (): Hdf5Worker => {
  if (!shared || shared.dead) shared = new Hdf5Worker();
  return shared;
};

let queue: Promise<unknown> = Promise.resolve();

/**
 * One request at a time, so each time limit counts only its own file's work; `reader` is the worker
 * holding an open file (null: the current one).
 */
function send(reader: Hdf5Worker | null, message: Record<string, unknown>, limitMs: number, label: string): Promise<{ reply: Reply; reader: Hdf5Worker }> {
  const run = queue.then(async () => {
    if (reader?.dead) throw new Error(`${label}: the HDF5 reader was stopped (another file reached its time limit) while this file was open; load it again`);
    const used = reader ?? worker();
    return { reply: await used.request(message, limitMs, label), reader: used };
  });
  queue = run.catch(() => undefined);
  return run;
}

/** '/a/b' for 'a/b', 'a/b/' and '/a//b'. */
const normalize = (objectPath: string): string => `/${objectPath.split('/').filter((p) => p !== '').join('/')}`;

/** An HDF5 file as its catalog lists it, and the float32 datasets read from it. */
export class Hdf5File {
  constructor(private readonly catalog: Catalog, private readonly handle: number, private readonly reader: Hdf5Worker,
    readonly label: string, private readonly fileSize: number) {}

  /** 'group', 'dataset', or null when nothing is at `objectPath` (every link on the way checked). */
  kind(objectPath: string): 'group' | 'dataset' | null {
    objectPath = normalize(objectPath);
    const parts = objectPath.split('/').filter((p) => p !== '');
    if (parts.length > MAX_PATH_DEPTH) throw new MalformedFileError(`${this.label}: HDF5 path '${objectPath}' is deeper than ${MAX_PATH_DEPTH} levels`);
    let at = '';
    let object: CatalogObject | undefined = this.catalog.objects['/'];
    for (const part of parts) {
      if (object?.kind !== 'group') return null;
      at += `/${part}`;
      this.refuseUnreadable(at);
      object = this.catalog.objects[at];
      if (object?.kind === 'external') throw new UnsupportedError(`${this.label}: HDF5 object '${at}' is an external link to ${JSON.stringify(object.filename)}; links to other files are not followed`, { base: 'Error' });
      if (object?.kind === 'dangling') throw new MalformedFileError(`${this.label}: HDF5 object '${at}' is a dangling soft link`, { base: 'Error' });
      if (object?.kind === 'datatype') throw new MalformedFileError(`${this.label}: HDF5 object '${at}' is a named datatype, not a group or dataset`, { base: 'Error' });
    }
    this.refuseUnreadable(at === '' ? '/' : at);
    return object?.kind === 'group' || object?.kind === 'dataset' ? object.kind : null;
  }

  private refuseUnreadable(objectPath: string): void {
    const reason = this.catalog.errors[objectPath];
    if (reason !== undefined) throw new MalformedFileError(`${this.label}: cannot read HDF5 object '${objectPath}': ${reason}`, { base: 'Error' });
  }

  /** The names in the group at `groupPath`; null when there is no such group. */
  keys(groupPath: string): string[] | null {
    groupPath = normalize(groupPath);
    if (this.kind(groupPath) !== 'group') return null;
    const object = this.catalog.objects[groupPath] as Extract<CatalogObject, { kind: 'group' }>;
    return object.children.slice();
  }

  /** A string attribute, a list of strings, something else, or null when absent. */
  attribute(objectPath: string, name: string): CatalogAttribute | null {
    const where = normalize(objectPath);
    const reason = this.catalog.errors[`${where}@`];
    if (reason !== undefined) throw new MalformedFileError(`${this.label}: cannot read the attributes of HDF5 object '${where}': ${reason}`, { base: 'Error' });
    return this.catalog.attributes[where]?.[name] ?? null;
  }

  /** Checks that `objectPath` is a float32 dataset the file can hold; its shape. */
  checkFloat32(objectPath: string): number[] {
    objectPath = normalize(objectPath);
    const what = `${this.label}: HDF5 dataset '${objectPath}'`;
    if (this.kind(objectPath) !== 'dataset') throw new MalformedFileError(`${what} is missing`, { base: 'Error' });
    const d = this.catalog.objects[objectPath] as Extract<CatalogObject, { kind: 'dataset' }>;
    if (d.virtual) throw new UnsupportedError(`${what} is a virtual dataset (its data lies in other files); it is not read`, { base: 'Error' });
    if (d.filters.length > 0) throw new UnsupportedError(`${what} is stored through HDF5 filters (${d.filters.join(', ')}); only plain storage is read`, { base: 'Error' });
    if (d.type !== H5T_FLOAT || d.size !== 4 || d.vlen || !d.littleEndian) throw new UnsupportedError(`${what} holds ${describeType(d)}; weights must be little-endian float32`, { base: 'TypeError' });
    const count = elementCount(d.shape, what);
    if (count * 4 > this.fileSize) throw new MalformedFileError(`${what}: shape [${d.shape.join(', ')}] needs ${count * 4} bytes, the file has ${this.fileSize}`);
    return d.shape.slice();
  }

  /** The float32 datasets at `paths`, each checked first. */
  async readFloat32(paths: string[]): Promise<Map<string, Tensor>> {
    const shapes = new Map(paths.map((p) => [normalize(p), this.checkFloat32(p)]));
    const bytes = [...shapes.values()].reduce((n, s) => n + s.reduce((a, b) => a * b, 1) * 4, 0);
    const { reply } = await send(this.reader, { op: 'read', handle: this.handle, paths: [...shapes.keys()] }, READ_TIME_LIMIT_MS(bytes), this.label);
    if (reply.error !== undefined) throw new MalformedFileError(`${this.label}: cannot read the HDF5 datasets: ${reply.error}`, { base: 'Error' });
    const buffers = reply.result as Record<string, ArrayBuffer>;
    const tensors = new Map([...shapes].map(([p, shape]) => [p, { data: new Float32Array(buffers[p]), shape }]));
    return new Map(paths.map((p) => [p, tensors.get(normalize(p))!]));
  }
}

function describeType(d: { type: number; size: number; littleEndian: boolean }): string {
  if (d.type === H5T_FLOAT) return `${d.size * 8}-bit ${d.littleEndian ? '' : 'big-endian '}floats`;
  if (d.type === H5T_INTEGER) return `${d.size * 8}-bit integers`;
  if (d.type === H5T_STRING) return 'strings';
  return `HDF5 type class ${d.type}`;
}

/**
 * Opens `bytes` as an HDF5 file and runs `use` on it; the file is closed and its in-memory copy
 * removed whatever happens.
 */
export async function withHdf5<T>(bytes: Uint8Array, label: string, use: (file: Hdf5File) => T | Promise<T>): Promise<T> {
  if (!looksLikeHdf5(bytes)) throw new MalformedFileError(`${label}: not an HDF5 file (no HDF5 signature at its start)`, { base: 'Error' });
  const { reply, reader } = await send(null, { op: 'open', bytes }, CATALOG_TIME_LIMIT_MS, label);
  if (reply.error !== undefined) throw new MalformedFileError(`${label}: ${reply.invalid ? 'not a valid HDF5 file' : 'cannot read the HDF5 file'} (${reply.error})`, { base: 'Error' });
  const { handle, catalog } = reply.result as { handle: number; catalog: Catalog };
  try {
    return await use(new Hdf5File(catalog, handle, reader, label, bytes.length));
  } finally {
    if (!reader.dead) await send(reader, { op: 'close', handle }, CATALOG_TIME_LIMIT_MS, label).catch(() => undefined);
  }
}
