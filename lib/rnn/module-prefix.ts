// An nn.RNN's parameters inside a whole model's state_dict: PyTorch names a submodule's parameters
// by its path ("encoder.rnn.weight_ih_l0"), so the RNN is the set of keys under one module prefix.
// The prefix is given, or found when exactly one such set exists; the other keys are kept by name.

import { describe } from '../tensor';

/** The keys of one nn.RNN, found by the first parameter every nn.RNN has. */
const FIRST_PARAMETER = 'weight_ih_l0';

export interface RnnSelection<T> {
  /** The module path the RNN's keys were under ('' for a bare nn.RNN state_dict). */
  prefix: string;
  /** How the prefix was settled. */
  prefixFrom: 'option' | 'detected' | 'none';
  /** The RNN's entries with the prefix removed. */
  dict: Record<string, T>;
  /** The other keys, as given: weights of other modules, which the RNN does not run. */
  unused: string[];
}

/** A prefix option: undefined, or a string ('' meaning a bare nn.RNN state_dict). */
export function checkPrefix(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new TypeError(`prefix: expected a module path such as 'rnn.', got ${describe(value)}`);
}

/** The module prefixes ('' or ending in '.') under which an nn.RNN's first parameter appears. */
export function rnnPrefixes(keys: readonly string[]): string[] {
  return keys
    .filter((key) => key.endsWith(FIRST_PARAMETER))
    .map((key) => key.slice(0, key.length - FIRST_PARAMETER.length))
    .filter((prefix) => prefix === '' || prefix.endsWith('.'));
}

function moduleOf(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? '' : key.slice(0, dot + 1);
}

const MAX_GROUPS = 12;
const MAX_PER_GROUP = 8;

/**
 * The keys grouped by module, for messages: "rnn.{weight_ih_l0, weight_hh_l0}, fc.{weight, bias}".
 * Modules holding an nn.RNN come first, so their keys are never the ones cut off.
 */
export function describeKeys(keys: readonly string[]): string {
  if (keys.length === 0) return 'none';
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const module = moduleOf(key);
    const names = groups.get(module);
    if (names) names.push(key.slice(module.length));
    else groups.set(module, [key.slice(module.length)]);
  }
  const rnnModules = new Set(rnnPrefixes(keys));
  const ordered = [...groups].sort(([a], [b]) => Number(rnnModules.has(b)) - Number(rnnModules.has(a)));
  const shown = ordered.slice(0, MAX_GROUPS).map(([module, names]) => {
    const listed = names.slice(0, MAX_PER_GROUP).join(', ') + (names.length > MAX_PER_GROUP ? `, and ${names.length - MAX_PER_GROUP} more` : '');
    if (module === '') return listed;
    return names.length === 1 ? module + names[0] : `${module}{${listed}}`;
  });
  const rest = ordered.length - shown.length;
  return shown.join(', ') + (rest > 0 ? `, and keys of ${rest} more modules` : '');
}

/**
 * PyTorch's load_state_dict check: the names an nn.RNN expects against those given (both without the
 * module prefix, which the message puts back); null when they match.
 */
export function keyMismatch(expected: readonly string[], given: readonly string[], prefix: string): string | null {
  const expectedSet = new Set(expected);
  const givenSet = new Set(given);
  const missing = expected.filter((name) => !givenSet.has(name));
  const unexpected = given.filter((name) => !expectedSet.has(name));
  if (missing.length === 0 && unexpected.length === 0) return null;
  const parts = [];
  // Missing keys are an nn.RNN's own, a few per layer: listed whole. Unexpected ones may be a whole model's.
  if (missing.length > 0) parts.push(`missing key(s): ${missing.map((name) => prefix + name).join(', ')}`);
  if (unexpected.length > 0) parts.push(`unexpected key(s): ${describeKeys(unexpected.map((name) => prefix + name))}`);
  return parts.join('; ');
}

function quoted(prefixes: readonly string[]): string {
  const shown = prefixes.slice(0, MAX_GROUPS).map((p) => `'${p}'`).join(', ');
  return prefixes.length > MAX_GROUPS ? `${shown}, and ${prefixes.length - MAX_GROUPS} more` : shown;
}

function selectUnder<T>(dict: Record<string, T>, prefix: string, prefixFrom: RnnSelection<T>['prefixFrom']): RnnSelection<T> {
  const selected: Array<[string, T]> = [];
  const unused: string[] = [];
  for (const [key, value] of Object.entries(dict)) {
    if (key.startsWith(prefix)) selected.push([key.slice(prefix.length), value]);
    else unused.push(key);
  }
  // fromEntries defines each key, so a key named "__proto__" stays a key.
  return { prefix, prefixFrom, dict: Object.fromEntries(selected), unused };
}

/**
 * The nn.RNN part of `dict`: the keys under `prefix` when one is given, else under the only module
 * prefix that holds an nn.RNN; a dict with no such prefix is returned whole, for the caller's
 * missing-key message. Several RNNs without a prefix are refused, naming them.
 */
export function selectRnn<T>(dict: Record<string, T>, prefix: string | undefined, what: string): RnnSelection<T> {
  const keys = Object.keys(dict);
  const found = rnnPrefixes(keys);
  if (prefix !== undefined) {
    // 'encoder.rnn' names the module as 'encoder.rnn.' does.
    if (prefix !== '' && !prefix.endsWith('.') && keys.some((key) => key.startsWith(`${prefix}.`))) prefix = `${prefix}.`;
    if (!keys.some((key) => key.startsWith(prefix!))) {
      const where = found.length > 0 ? `nn.RNN parameters are under ${quoted(found)}` : `its keys: ${describeKeys(keys)}`;
      throw new RangeError(`${what}: no key starts with the prefix '${prefix}'; ${where}`);
    }
    return selectUnder(dict, prefix, 'option');
  }
  if (found.length > 1) {
    throw new RangeError(`${what}: holds ${found.length} nn.RNN parameter sets, under ${quoted(found)}; `
      + `choose one with the prefix option (prefix: '${found[0]}'; on the command line --prefix ${found[0]})`);
  }
  if (found.length === 0) return { prefix: '', prefixFrom: 'none', dict: { ...dict }, unused: [] };
  return selectUnder(dict, found[0], found[0] === '' ? 'none' : 'detected');
}

/** The warning owed when a found RNN is only part of what the dict holds: the rest does not run. */
export function partialModelNote(selection: RnnSelection<unknown>, what: string): string | null {
  if (selection.prefixFrom !== 'detected' || selection.unused.length === 0) return null;
  return `${what}: runs only the nn.RNN under '${selection.prefix}'; the ${selection.unused.length} other tensors `
    + `(${describeKeys(selection.unused)}) belong to other modules, which are not run. `
    + `Pass the prefix option (prefix: '${selection.prefix}'; on the command line --prefix ${selection.prefix}) to say this is intended`;
}
