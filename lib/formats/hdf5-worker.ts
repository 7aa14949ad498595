// The HDF5 reading that runs in a worker thread: the HDF5 C library (h5wasm's WebAssembly build) can
// loop forever on a hostile file, and only a worker can be stopped then. This function is the
// worker's whole program, passed as source text (it must not use anything from outside itself):
// it opens the file in the library's in-memory file system, lists its objects, link kinds, dataset
// metadata and string attributes (the catalog), and reads the float32 datasets asked for.

/** What the worker lists for one object. */
export type CatalogObject =
  | { kind: 'group'; children: string[] }
  | { kind: 'dataset'; type: number; size: number; vlen: boolean; littleEndian: boolean; shape: number[]; virtual: boolean; filters: string[] }
  | { kind: 'external'; filename: string }
  | { kind: 'dangling' }
  | { kind: 'datatype' };

export type CatalogAttribute = { type: 'string'; value: string } | { type: 'strings'; value: string[] } | { type: 'other'; value: string };

export interface Catalog {
  objects: Record<string, CatalogObject>;
  attributes: Record<string, Record<string, CatalogAttribute>>;
  /** Objects the library could not read, with its reason. */
  errors: Record<string, string>;
}

export interface WorkerLimits {
  maxObjects: number;
  maxDepth: number;
  /** Root groups not listed: optimizer state, which inference never reads. */
  skipRoots: string[];
}

/* eslint-disable */
export function hdf5WorkerProgram(): void {
  const { parentPort, workerData } = require('node:worker_threads');
  const limits = workerData.limits;
  const H5T_STRING = 3;
  let modulePromise: Promise<any> | null = null;
  const files = new Map<number, { id: bigint; name: string; size: number }>();
  let next = 0;

  async function load(): Promise<any> {
    if (!modulePromise) {
      modulePromise = (async () => {
        let factory;
        try {
          factory = require(workerData.factoryFile).default;
        } catch (error: any) {
          if (error.code !== 'ERR_REQUIRE_ESM') throw error;
          // A real import(): TypeScript would turn the keyword into require() in CommonJS output.
          factory = (await new Function('specifier', 'return import(specifier)')(workerData.factoryUrl)).default;
        }
        const module = await factory({ noInitialRun: true, print() {}, printErr() {} });
        module.activate_throwing_error_handler();
        return module;
      })();
    }
    return modulePromise;
  }

  function reason(error: any): string {
    const text = error instanceof Error ? error.message : String(error);
    const lines = [...text.matchAll(/#\d+: .* in [\w]+\(\): (.*)$/gm)].map((m) => m[1].trim());
    return lines.length > 0 ? lines[lines.length - 1] : text.split('\n')[0];
  }

  function strings(M: any, bytes: Uint8Array, metadata: any): string[] {
    if (metadata.vlen) return Array.from(new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4), (p) => M.UTF8ToString(p));
    const decoder = new TextDecoder(metadata.cset === 1 ? 'utf-8' : 'latin1');
    return Array.from({ length: bytes.length / metadata.size }, (_, i) => {
      const field = bytes.subarray(i * metadata.size, (i + 1) * metadata.size);
      const end = field.indexOf(0);
      return decoder.decode(end < 0 ? field : field.subarray(0, end));
    });
  }

  function attributes(M: any, id: bigint, path: string, size: number): Record<string, any> {
    const out: Record<string, any> = {};
    for (const name of M.get_attribute_names(id, path) as string[]) {
      const metadata = M.get_attribute_metadata(id, path, name);
      const shape: number[] = metadata.shape ?? [];
      const count = shape.reduce((a, b) => a * b, 1);
      if (metadata.type !== H5T_STRING || shape.length > 1) {
        out[name] = { type: 'other', value: metadata.type === H5T_STRING ? `strings of shape [${shape.join(', ')}]` : `an attribute of HDF5 type class ${metadata.type}` };
        continue;
      }
      const bytes = count * (metadata.vlen ? 4 : metadata.size);
      if (!Number.isSafeInteger(bytes) || (!metadata.vlen && bytes > size) || (metadata.vlen && count > size)) {
        out[name] = { type: 'other', value: `strings declaring ${bytes} bytes, more than the file's ${size}` };
        continue;
      }
      const pointer = M._malloc(Math.max(bytes, 1));
      if (pointer === 0) throw new Error(`cannot allocate ${bytes} bytes for attribute ${name}`);
      try {
        M.get_attribute_data(id, path, name, BigInt(pointer));
        try {
          const values = strings(M, M.HEAPU8.slice(pointer, pointer + bytes), metadata);
          out[name] = shape.length === 0 ? { type: 'string', value: values[0] } : { type: 'strings', value: values };
        } finally {
          if (metadata.vlen) M.reclaim_vlen_memory(id, path, name, BigInt(pointer));
        }
      } finally {
        M._free(pointer);
      }
    }
    return out;
  }

  function catalog(M: any, id: bigint, size: number) {
    const objects: Record<string, any> = { '/': { kind: 'group', children: [] } };
    const attrs: Record<string, any> = {};
    const errors: Record<string, string> = {};
    const queue: Array<[string, number]> = [['/', 0]];
    let count = 1;
    for (let at = 0; at < queue.length; at++) {
      const [path, depth] = queue[at];
      try {
        attrs[path] = attributes(M, id, path, size);
      } catch (error) {
        errors[`${path}@`] = reason(error);
      }
      if (objects[path].kind !== 'group') continue;
      let children: string[];
      try {
        children = M.get_names(id, path, false);
      } catch (error) {
        errors[path] = reason(error);
        continue;
      }
      objects[path].children = children;
      if (depth >= limits.maxDepth) continue;
      for (const child of children) {
        const full = `${path === '/' ? '' : path}/${child}`;
        if (depth === 0 && limits.skipRoots.includes(child)) continue;
        if (++count > limits.maxObjects) throw new Error(`the file holds more than ${limits.maxObjects} objects`);
        try {
          const type = M.get_type(id, full);
          if (type === M.H5G_GROUP) objects[full] = { kind: 'group', children: [] };
          else if (type === M.H5G_DATASET) {
            const m = M.get_dataset_metadata(id, full);
            const filters = (M.get_dataset_filters(id, full) as any[]).map((f) => f.name || String(f.id));
            objects[full] = { kind: 'dataset', type: m.type, size: m.size, vlen: m.vlen, littleEndian: m.littleEndian, shape: m.shape ?? [], virtual: (m.virtual_sources ?? []).length > 0, filters };
          } else if (type === M.H5G_UDLINK) objects[full] = { kind: 'external', filename: M.get_external_link(id, full).filename };
          else if (type === M.H5G_LINK) objects[full] = { kind: 'dangling' };
          else if (type === M.H5G_TYPE) objects[full] = { kind: 'datatype' };
          else continue;
        } catch (error) {
          errors[full] = reason(error);
          continue;
        }
        if (objects[full].kind === 'group' || objects[full].kind === 'dataset') queue.push([full, depth + 1]);
      }
    }
    return { objects, attributes: attrs, errors };
  }

  function datasets(M: any, id: bigint, size: number, paths: string[]) {
    const out: Record<string, ArrayBuffer> = {};
    for (const path of paths) {
      const shape: number[] = M.get_dataset_metadata(id, path).shape ?? [];
      const bytes = shape.reduce((a, b) => a * b, 1) * 4;
      if (!Number.isSafeInteger(bytes) || bytes > size) throw new Error(`dataset ${path} of shape [${shape.join(', ')}] needs more bytes than the file's ${size}`);
      const pointer = M._malloc(Math.max(bytes, 1));
      if (pointer === 0) throw new Error(`cannot allocate ${bytes} bytes to read dataset ${path}`);
      try {
        M.get_dataset_data(id, path, null, null, null, BigInt(pointer));
        out[path] = M.HEAPU8.slice(pointer, pointer + bytes).buffer;
      } finally {
        M._free(pointer);
      }
    }
    return out;
  }

  function close(M: any, handle: number) {
    const file = files.get(handle);
    if (!file) return;
    files.delete(handle);
    try {
      M.close_file(file.id);
    } finally {
      M.FS.unlink(file.name);
    }
  }

  // The library is instantiated before any request: requests are timed from here on.
  load().then(() => parentPort.postMessage({ ready: true }), (error) => parentPort.postMessage({ ready: false, error: String(error?.message ?? error) }));

  parentPort.on('message', async (request: any) => {
    let M: any;
    try {
      M = await load();
      if (request.op === 'open') {
        const handle = ++next;
        const name = `/model-${handle}.h5`;
        M.FS.writeFile(name, request.bytes);
        let id: bigint;
        try {
          id = M.open(name, M.H5F_ACC_RDONLY, false, -1, -1);
        } catch (error) {
          M.FS.unlink(name);
          parentPort.postMessage({ id: request.id, error: reason(error), invalid: true });
          return;
        }
        files.set(handle, { id, name, size: request.bytes.length });
        try {
          parentPort.postMessage({ id: request.id, result: { handle, catalog: catalog(M, id, request.bytes.length) } });
        } catch (error) {
          close(M, handle);
          throw error;
        }
      } else if (request.op === 'read') {
        const file = files.get(request.handle);
        const result = datasets(M, file!.id, file!.size, request.paths);
        parentPort.postMessage({ id: request.id, result }, Object.values(result));
      } else {
        close(M, request.handle);
        parentPort.postMessage({ id: request.id, result: null });
      }
    } catch (error: any) {
      // A trap or an abort leaves the library's memory untrustworthy: the next request gets a new instance.
      if (error instanceof (globalThis as any).WebAssembly.RuntimeError || /^Aborted\(/.test(String(error?.message))) {
        modulePromise = null;
        files.clear();
      }
      parentPort.postMessage({ id: request.id, error: reason(error) });
    }
  });
}
