// torch.save's file (.pt, .pth): a zip archive holding <name>/data.pkl, a pickle of the saved
// object whose tensors point at storages stored as <name>/data/<key>, and <name>/byteorder. The
// pickle is read under torch.load(weights_only=True)'s rules; each storage's size, and every view
// of it, is checked against the bytes the archive declares before anything is read or allocated.
import { MalformedFileError, UnsupportedError } from '../../errors';
import type { Tensor } from '../../tensor';
import { decodeToFloat32, ITEM_SIZES } from '../bytes';
import { elementCount } from '../checked';
import { stridesOf } from '../onnx/strided';
import { unpickle } from '../pickle';
import { looksLikeZip, openZip, type ZipArchive } from '../zip';
import { namedTensors } from './flatten';
import { stateDictHooks, type StorageRef, type TensorRef } from './globals';

/** Far more than the pickle of any state_dict (a few hundred bytes per tensor). */
export const MAX_PICKLE_BYTES = 64 * 1024 * 1024;
/**
 * Views may share a storage (tied weights), but their elements together stay within a few times
 * the storages' own: a pickle of many views of one large storage would otherwise multiply it.
 */
const MAX_VIEW_FACTOR = 4;

// torch.save's format before PyTorch 1.6: a pickle that starts with PROTO 2 and this LONG1 magic number.
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

export interface TorchFile {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

function refuseNonZip(bytes: Uint8Array, label: string): never {
  if (LEGACY_MAGIC.every((byte, i) => bytes[i] === byte)) {
    throw new UnsupportedError(`${label}: a torch.save file in the legacy format (PyTorch before 1.6, or _use_new_zipfile_serialization=False), `
      + 'which is not read: load it with PyTorch and save it again with a current version: torch.save(torch.load(path, weights_only=True), new_path)', { base: 'Error' });
  }
  if (bytes[0] === 0x80) {
    throw new UnsupportedError(`${label}: a bare Python pickle, not a torch.save archive; nothing in it was run. Save the weights `
      + 'with torch.save(model.state_dict(), path) or safetensors', { base: 'Error' });
  }
  throw new MalformedFileError(`${label}: not a torch.save file (a zip archive holding data.pkl)`);
}

/** The archive's folder: torch.save puts every record under one top-level name. */
function archiveRoot(zip: ZipArchive, label: string): string {
  const roots = [...zip.entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name)).map((name) => name.slice(0, -'data.pkl'.length));
  if (roots.length !== 1) {
    throw new MalformedFileError(`${label}: a zip archive with ${roots.length === 0 ? 'no' : roots.length} <name>/data.pkl records, so not a torch.save file`);
  }
  const root = roots[0];
  if (zip.entries.has(`${root}constants.pkl`) || [...zip.entries.keys()].some((name) => name.startsWith(`${root}code/`))) {
    throw new UnsupportedError(`${label}: a TorchScript archive (torch.jit.save), which is not read: save the weights with `
      + 'torch.save(model.state_dict(), path), or export the model with torch.onnx.export', { base: 'Error' });
  }
  return root;
}

async function byteOrder(zip: ZipArchive, root: string, label: string): Promise<boolean> {
  const name = `${root}byteorder`;
  if (!zip.entries.has(name)) return true; // written since PyTorch 1.12; before, saves were little-endian
  const text = new TextDecoder().decode(await zip.read(name, 16));
  if (text !== 'little' && text !== 'big') throw new MalformedFileError(`${label}: ${name} says '${text}', expected 'little' or 'big'`);
  return text === 'little';
}

/** One StorageRef per key, each agreeing with its record in the archive. */
function checkStorages(views: Array<[string, TensorRef]>, zip: ZipArchive, root: string, label: string): Map<string, StorageRef> {
  const storages = new Map<string, StorageRef>();
  for (const [, { storage }] of views) {
    const known = storages.get(storage.key);
    if (known) {
      if (known.storageType !== storage.storageType || known.numel !== storage.numel) {
        throw new MalformedFileError(`${label}: storage '${storage.key}' is a ${known.storageType} of ${known.numel} and a ${storage.storageType} of ${storage.numel}`);
      }
      continue;
    }
    const record = zip.entries.get(`${root}data/${storage.key}`);
    const bytes = storage.numel * ITEM_SIZES[storage.kind];
    if (!record) throw new MalformedFileError(`${label}: storage '${storage.key}' has no record ${root}data/${storage.key}`);
    if (record.size !== bytes) {
      throw new MalformedFileError(`${label}: storage '${storage.key}' (${storage.storageType} of ${storage.numel}) needs ${bytes} bytes, its record holds ${record.size}`);
    }
    storages.set(storage.key, storage);
  }
  return storages;
}

/** The view's element count, once its rank, bounds and layout are checked against its storage. */
function checkView(name: string, view: TensorRef, label: string): number {
  const what = `${label}: tensor '${name}'`;
  if (view.stride.length !== view.size.length) throw new MalformedFileError(`${what} has ${view.size.length} sizes and ${view.stride.length} strides`);
  const count = elementCount(view.size, what);
  if (count === 0) return 0;
  const last = view.size.reduce((end, dim, i) => end + (dim - 1) * view.stride[i], view.offset);
  if (!Number.isSafeInteger(last) || last >= view.storage.numel) {
    throw new MalformedFileError(`${what}: shape [${view.size.join(', ')}] with strides [${view.stride.join(', ')}] from offset ${view.offset} `
      + `reaches past its storage's ${view.storage.numel} elements`);
  }
  const contiguous = stridesOf(view.size);
  if (view.size.some((dim, i) => dim > 1 && view.stride[i] !== contiguous[i])) {
    throw new UnsupportedError(`${what} is a non-contiguous view (strides [${view.stride.join(', ')}] for shape [${view.size.join(', ')}]), `
      + 'which is not read: save tensor.contiguous() (an nn.Module\'s state_dict() has contiguous tensors)');
  }
  return count;
}

function checkViews(views: Array<[string, TensorRef]>, storages: Map<string, StorageRef>, label: string): void {
  const names = new Set<string>();
  let viewed = 0;
  for (const [name, view] of views) {
    if (names.has(name)) throw new MalformedFileError(`${label}: two tensors are named '${name}'`);
    names.add(name);
    viewed += checkView(name, view, label);
  }
  const stored = [...storages.values()].reduce((total, s) => total + s.numel, 0);
  if (viewed > MAX_VIEW_FACTOR * stored) {
    throw new MalformedFileError(`${label}: its tensors view ${viewed} elements of storages holding ${stored}, more than tied weights explain`);
  }
}

async function readStorages(zip: ZipArchive, root: string, storages: Map<string, StorageRef>): Promise<Map<string, Uint8Array>> {
  const bytes = new Map<string, Uint8Array>();
  for (const storage of storages.values()) {
    bytes.set(storage.key, await zip.read(`${root}data/${storage.key}`, storage.numel * ITEM_SIZES[storage.kind]));
  }
  return bytes;
}

/** The named tensors of a torch.save state_dict, as float32 (float16/bfloat16 exactly, float64 rounded, integers as safetensors'). */
export async function readTorchFile(bytes: Uint8Array, label: string): Promise<TorchFile> {
  if (!looksLikeZip(bytes)) refuseNonZip(bytes, label);
  const zip = await openZip(bytes, label);
  try {
    const root = archiveRoot(zip, label);
    const littleEndian = await byteOrder(zip, root, label);
    const pickle = await zip.read(`${root}data.pkl`, MAX_PICKLE_BYTES);
    const what = `${label}: ${root}data.pkl`;
    const views = namedTensors(unpickle(pickle, stateDictHooks(what), what), label);
    const storages = checkStorages(views, zip, root, label);
    checkViews(views, storages, label);
    const data = await readStorages(zip, root, storages);
    const tensors = new Map<string, Tensor>();
    for (const [name, view] of views) {
      const count = elementCount(view.size, name);
      const stored = data.get(view.storage.key)!;
      const values = count === 0 ? new Float32Array(0) : decodeToFloat32(stored, view.offset * ITEM_SIZES[view.storage.kind], count, view.storage.kind, littleEndian);
      tensors.set(name, { data: values, shape: view.size });
    }
    return { tensors, metadata: {} };
  } finally {
    zip.close();
  }
}
