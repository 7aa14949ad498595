// The Python globals a torch.save state_dict names, as torch.load(weights_only=True) allows them:
// collections.OrderedDict, torch's tensor-rebuilding functions and the typed storage classes. Any
// other global (a model's class, a function, os.system) is refused by name before anything is made.
import { UnsupportedError } from '../../errors';
import type { NumberKind } from '../bytes';
import { PyDict, PyOpaque, PyTuple, pythonTypeName, type PickleHooks, type PyValue } from '../pickle';

/** torch's legacy typed storage classes by name, with the element kind each holds. */
export const STORAGE_KINDS: Readonly<Record<string, NumberKind>> = {
  FloatStorage: 'f4', DoubleStorage: 'f8', HalfStorage: 'f2', BFloat16Storage: 'bf2', LongStorage: 'i8',
  IntStorage: 'i4', ShortStorage: 'i2', CharStorage: 'i1', ByteStorage: 'u1', BoolStorage: 'b1',
};

/** A storage a tensor views: the archive's data/<key> entry, `numel` elements of `kind`. */
export interface StorageRef {
  key: string;
  kind: NumberKind;
  storageType: string;
  numel: number;
}

/** A tensor as torch's _rebuild_tensor_v2 describes it: a strided view of a storage. */
export interface TensorRef {
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

type Callable = 'OrderedDict' | 'rebuild_tensor' | 'rebuild_parameter' | 'storage_type';

const REBUILDERS: Record<string, Callable> = {
  _rebuild_tensor_v2: 'rebuild_tensor', _rebuild_tensor: 'rebuild_tensor',
  _rebuild_parameter: 'rebuild_parameter', _rebuild_parameter_with_state: 'rebuild_parameter',
};

/** A hint for the globals a whole pickled model names. */
function refusalHint(module: string): string {
  if (module === '__main__' || module.startsWith('torch.nn.') || module.startsWith('__torch__')) {
    return ' This looks like a whole model saved with torch.save(model): save its weights with '
      + 'torch.save(model.state_dict(), path) instead, or export it with torch.onnx.export.';
  }
  return '';
}

function integer(value: PyValue, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new UnsupportedError(`${what}: expected a non-negative integer, got ${pythonTypeName(value)} ${typeof value === 'number' ? value : ''}`.trimEnd(), { base: 'Error' });
  }
  return value;
}

function integers(value: PyValue, what: string): number[] {
  if (!(value instanceof PyTuple)) throw new UnsupportedError(`${what}: expected a tuple of integers, got ${pythonTypeName(value)}`, { base: 'Error' });
  return value.items.map((item, i) => integer(item, `${what}[${i}]`));
}

function rebuildTensor(args: PyValue[], what: string): PyOpaque<TensorRef> {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof PyOpaque) || storage.kind !== 'storage') {
    throw new UnsupportedError(`${what}: _rebuild_tensor's first argument is a ${pythonTypeName(storage)}, not a storage`, { base: 'Error' });
  }
  const ref: TensorRef = {
    storage: storage.value as StorageRef,
    offset: integer(offset, `${what}: storage_offset`),
    size: integers(size, `${what}: size`),
    stride: integers(stride, `${what}: stride`),
  };
  return new PyOpaque('tensor', ref);
}

function orderedDict(args: PyValue[], what: string): PyDict {
  const dict = new PyDict();
  if (args.length === 0) return dict;
  throw new UnsupportedError(`${what}: OrderedDict called with ${args.length} arguments; torch.save writes OrderedDict() and then sets its items`, { base: 'Error' });
}

function persistentStorage(pid: PyValue, what: string): PyOpaque<StorageRef> {
  const items = pid instanceof PyTuple ? pid.items : [];
  const [tag, type, key, , numel] = items;
  if (items.length !== 5 || tag !== 'storage') {
    throw new UnsupportedError(`${what}: a persistent id other than ('storage', type, key, location, numel): only storages are loaded`, { base: 'Error' });
  }
  if (!(type instanceof PyOpaque) || type.kind !== 'storage_type') throw new UnsupportedError(`${what}: a storage whose type is a ${pythonTypeName(type)}`, { base: 'Error' });
  if (typeof key !== 'string' || key === '') throw new UnsupportedError(`${what}: a storage key that is a ${pythonTypeName(key)}, not a name`, { base: 'Error' });
  const storageType = type.value as string;
  return new PyOpaque('storage', { key, kind: STORAGE_KINDS[storageType], storageType, numel: integer(numel, `${what}: storage '${key}' numel`) });
}

/** The hooks that let a state_dict's pickle make dicts, storages and tensors, and nothing else. */
export function stateDictHooks(what: string): PickleHooks {
  return {
    resolveGlobal(module, name) {
      if (module === 'collections' && name === 'OrderedDict') return new PyOpaque<Callable>('callable', 'OrderedDict');
      if (module === 'torch._utils' && name in REBUILDERS) return new PyOpaque<Callable>('callable', REBUILDERS[name]);
      if (module === 'torch' && name in STORAGE_KINDS) return new PyOpaque('storage_type', name);
      const storage = module === 'torch' && name.endsWith('Storage');
      const why = storage ? 'a storage of a dtype that is not read (only float, integer and bool storages are)' : 'not a tensor, storage or OrderedDict';
      throw new UnsupportedError(`${what}: refuses the pickle global ${module}.${name}: ${why}. As torch.load(weights_only=True) does, `
        + `only tensors, storages and ordered dicts are read, and nothing in the file was run.${refusalHint(module)}`, { base: 'Error' });
    },
    reduce(callable, args) {
      switch (callable.kind === 'callable' ? (callable.value as Callable) : null) {
        case 'OrderedDict': return orderedDict(args, what);
        case 'rebuild_tensor': return rebuildTensor(args, what);
        case 'rebuild_parameter': {
          const [data] = args;
          if (!(data instanceof PyOpaque) || data.kind !== 'tensor') throw new UnsupportedError(`${what}: _rebuild_parameter of a ${pythonTypeName(data)}`, { base: 'Error' });
          return data;
        }
        default: throw new UnsupportedError(`${what}: REDUCE of a ${callable.kind}, which is not called`, { base: 'Error' });
      }
    },
    persistentLoad: (pid) => persistentStorage(pid, what),
  };
}
