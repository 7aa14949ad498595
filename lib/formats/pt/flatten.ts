// The tensors of an unpickled state_dict under their dotted names. A checkpoint that nests
// dicts ({"model": state_dict, "epoch": 3}) gives "model.rnn.weight_ih_l0"; values that are not
// tensors (numbers, strings) are not weights and are left out.
import { MalformedFileError } from '../../errors';
import { PyDict, PyOpaque, PyTuple, pythonTypeName, type PyValue } from '../pickle';
import type { TensorRef } from './globals';

/** As deep as the package reads any nested file structure. */
const MAX_DEPTH = 64;

function children(value: PyValue): Array<[string, PyValue]> | null {
  if (value instanceof PyDict) return [...value.entries].map(([key, item]) => [String(key), item]);
  if (Array.isArray(value) || value instanceof PyTuple) return (Array.isArray(value) ? value : value.items).map((item, i) => [String(i), item]);
  return null;
}

function isTensor(value: PyValue): value is PyOpaque<TensorRef> {
  return value instanceof PyOpaque && value.kind === 'tensor';
}

function walk(value: PyValue, prefix: string, depth: number, seen: Set<PyValue>, found: Array<[string, TensorRef]>, what: string): void {
  for (const [key, item] of children(value)!) {
    const name = prefix + key;
    if (isTensor(item)) found.push([name, item.value]);
    else if (children(item) !== null && !seen.has(item)) {
      if (depth + 1 >= MAX_DEPTH) throw new MalformedFileError(`${what}: '${name}' is nested more than ${MAX_DEPTH} levels deep`);
      seen.add(item);
      walk(item, `${name}.`, depth + 1, seen, found, what);
    }
  }
}

/** The named tensors of `root`, which must be a dict, in file order; each container is walked once (a cycle ends). */
export function namedTensors(root: PyValue, what: string): Array<[string, TensorRef]> {
  if (!(root instanceof PyDict)) {
    const got = isTensor(root) ? 'a single tensor' : `a ${pythonTypeName(root)}`;
    throw new MalformedFileError(`${what}: holds ${got}, not a state_dict (a dict of name -> tensor)`, { base: 'TypeError' });
  }
  const found: Array<[string, TensorRef]> = [];
  walk(root, '', 0, new Set([root]), found, what);
  return found;
}
