// Writing and editing Keras files for tests: HDF5 files copied object by object with h5wasm (leaving
// out, replacing or adding what a test needs), and .keras zip archives with yazl.
import * as h5wasm from 'h5wasm';
import yauzl from 'yauzl';
import yazl from 'yazl';

type Group = InstanceType<typeof h5wasm.Group>;
type Dataset = InstanceType<typeof h5wasm.Dataset>;

let files = 0;
const ready = h5wasm.ready;

/** A new HDF5 file made by `fill`. */
export async function writeH5(fill: (file: InstanceType<typeof h5wasm.File>) => void): Promise<Uint8Array> {
  await ready;
  const name = `/test-${++files}.h5`;
  const file = new h5wasm.File(name, 'w');
  try {
    fill(file);
  } finally {
    file.close();
  }
  const bytes = h5wasm.FS!.readFile(name);
  h5wasm.FS!.unlink(name);
  return bytes;
}

export interface CopyEdits {
  /** Objects to leave out, by path ("/model_weights/dense"). */
  skip?: string[];
  /** Attributes to change or add: path -> name -> value (undefined removes it). */
  attributes?: Record<string, Record<string, unknown>>;
  /** Datasets to store otherwise: path -> how. */
  datasets?: Record<string, (value: Float32Array, shape: number[]) => { data: unknown; shape: number[]; dtype?: string; chunks?: number[]; compression?: 'gzip' }>;
  /** Called on the new file once everything is copied. */
  then?: (file: InstanceType<typeof h5wasm.File>) => void;
}

function copyAttributes(from: Group | Dataset, to: Group | Dataset, objectPath: string, edits: CopyEdits): void {
  const changed = edits.attributes?.[objectPath] ?? {};
  for (const [name, attribute] of Object.entries(from.attrs)) {
    if (name in changed) continue;
    to.create_attribute(name, attribute.value as never);
  }
  for (const [name, value] of Object.entries(changed)) if (value !== undefined) to.create_attribute(name, value as never);
}

function copyGroup(from: Group, to: Group, edits: CopyEdits): void {
  copyAttributes(from, to, from.path, edits);
  for (const key of from.keys()) {
    const child = from.get(key);
    const childPath = `${from.path === '/' ? '' : from.path}/${key}`;
    if (edits.skip?.includes(childPath)) continue;
    if (child instanceof h5wasm.Group) copyGroup(child, to.create_group(key), edits);
    else if (child instanceof h5wasm.Dataset) {
      const value = child.value as Float32Array;
      const shape = child.shape ?? [];
      const change = edits.datasets?.[childPath];
      const spec = change ? change(value, shape) : { data: value, shape, dtype: child.dtype as string };
      const made = to.create_dataset({ name: key, ...spec } as never);
      copyAttributes(child, made, childPath, edits);
    }
  }
}

/** A copy of an HDF5 file with the edits made. */
export async function editH5(bytes: Uint8Array, edits: CopyEdits): Promise<Uint8Array> {
  await ready;
  const source = `/source-${++files}.h5`;
  h5wasm.FS!.writeFile(source, bytes);
  const from = new h5wasm.File(source, 'r');
  try {
    return await writeH5((to) => {
      copyGroup(from, to, edits);
      edits.then?.(to);
    });
  } finally {
    from.close();
    h5wasm.FS!.unlink(source);
  }
}

/** The entries of a zip archive by name. */
export function readZip(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.from(bytes), { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map<string, Uint8Array>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => { entries.set(entry.fileName, new Uint8Array(Buffer.concat(chunks))); zip.readEntry(); });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.readEntry();
    });
  });
}

/** A zip archive of these entries, deflated. */
export function writeZip(entries: Map<string, Uint8Array | string>): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of entries) zip.addBuffer(Buffer.from(data), name);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    zip.end();
  });
}

/** A .keras archive with one entry replaced (or removed, for undefined). */
export async function editKeras(bytes: Uint8Array, changes: Record<string, Uint8Array | string | undefined>): Promise<Uint8Array> {
  const entries: Map<string, Uint8Array | string> = await readZip(bytes);
  for (const [name, data] of Object.entries(changes)) {
    if (data === undefined) entries.delete(name);
    else entries.set(name, data);
  }
  return writeZip(entries);
}
