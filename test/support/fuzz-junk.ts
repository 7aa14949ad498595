// Seeded junk for the fuzz suites: scalars, typed arrays of every kind (detached, shared, resizable
// and out of bounds, lying subclasses), shapes that lie or overflow, ragged and hostile nested
// arrays, hostile objects (throwing getters and proxies), and near-valid tensors mutated from a
// correct shape so that calls get past the first check and reach the deeper ones.
//
// Valid-but-huge values are deliberately absent (2^31-1 included): a 2^31-1 x 1 weight matrix or a
// stream of 2^31-1 sequences is a legal request for gigabytes, not a malformed call. Every huge size
// here is one the library must refuse before allocating.
import { HOSTILE_MARK } from './fuzz-harness';

export type Rng = () => number;

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
export const between = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
export const chance = (rng: Rng, p: number): boolean => rng() < p;

export function randomData(rng: Rng, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rng() * 2 - 1) * scale;
  return out;
}

export const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Transfers the view's buffer away, so the view is detached (length 0). Returns the view. */
export function detach<T extends ArrayBufferView>(view: T): T {
  structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
  return view;
}

/** A Float32Array of `n` elements over a resizable buffer that is then shrunk: out of bounds or short. */
export function shrunkFloat32(rng: Rng, n: number): Float32Array {
  // Resizable buffers are ES2024 (Node 20 has them; the project's lib setting is ES2022).
  const Resizable = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
  const rab = new Resizable(4 * n + 8, { maxByteLength: 4 * n + 64 });
  const offset = chance(rng, 0.5) ? 8 : 0;
  const view = chance(rng, 0.5) ? new Float32Array(rab, offset, n) : new Float32Array(rab, offset); // fixed or length-tracking
  rab.resize(between(rng, 0, 4 * n));
  return view;
}

/** A Float32Array subclass whose `length` lies. */
class LyingFloat32Array extends Float32Array {
  fakeLength = 0;
  override get length(): number {
    return this.fakeLength;
  }
}

export function lyingFloat32(real: number, claimed: number): Float32Array {
  const array = new LyingFloat32Array(real);
  array.fakeLength = claimed;
  return array;
}

function hostileError(what: string): Error {
  return new Error(`${HOSTILE_MARK} ${what}`);
}

/** Objects that throw our own marked Error from getters, traps or conversions. */
export function hostile(rng: Rng): unknown {
  switch (between(rng, 0, 4)) {
    case 0: return new Proxy({}, { get() { throw hostileError('proxy get'); }, ownKeys() { throw hostileError('proxy ownKeys'); },
      has() { throw hostileError('proxy has'); }, getPrototypeOf() { throw hostileError('proxy getPrototypeOf'); } });
    case 1: return { get data() { throw hostileError('getter data'); }, shape: [1] };
    case 2: return { [Symbol.toPrimitive]() { throw hostileError('toPrimitive'); }, toString() { throw hostileError('toString'); } };
    case 3: return Object.defineProperty([1, 2, 3], 1, { get() { throw hostileError('array element getter'); } });
    default: return new Proxy([1, 2], { get(target, key) { if (key === 'length') throw hostileError('array length'); return Reflect.get(target, key); } });
  }
}

const SCALARS: readonly unknown[] = [
  undefined, null, NaN, Infinity, -Infinity, -0, 0, -1, 1, 2, 1.5, 1e-300, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e300,
  -(2 ** 31), Number.MAX_VALUE, Number.MIN_VALUE, '', 'tanh', 'relu', '3', ' 3 ', '0x10', 'NaN', true, false, 10n, -1n,
];

/** Any junk scalar or object. */
export function junkScalar(rng: Rng): unknown {
  switch (between(rng, 0, 11)) {
    case 0: return {};
    case 1: return [];
    case 2: return Symbol('junk');
    case 3: return () => 1;
    case 4: return Object.create(null);
    case 5: return pick(rng, [new Date(0), /x/, new Map([[1, 2]]), new Set([1]), Promise.resolve(1), new WeakMap(), new Error('not an argument')]);
    case 6: return hostile(rng);
    default: return pick(rng, SCALARS);
  }
}

/** A typed array, buffer or view that is not a plain, attached Float32Array of the right length. */
export function junkBuffer(rng: Rng, n = between(rng, 0, 24)): unknown {
  switch (between(rng, 0, 13)) {
    case 0: return new Float64Array(n);
    case 1: return new Int32Array(n);
    case 2: return new Uint8Array(n);
    case 3: return new Float32Array(Math.max(0, n + pick(rng, [-1, 1, 7])));
    case 4: return detach(new Float32Array(Math.max(n, 1)));
    case 5: return new DataView(new ArrayBuffer(4 * n));
    case 6: return new ArrayBuffer(4 * n);
    case 7: return new Float32Array(new SharedArrayBuffer(4 * n)); // valid kind: shared memory is accepted
    case 8: return shrunkFloat32(rng, Math.max(n, 1));
    case 9: return lyingFloat32(between(rng, 0, 4), n);
    case 10: return Buffer.alloc(4 * n);
    case 11: return new Float32Array(n + 4).subarray(2, 2 + n); // valid: a view with an offset
    case 12: return Array.from({ length: n }, () => rng());
    default: return new Uint8ClampedArray(n);
  }
}

/** A junk dimension: negative, fractional, huge, non-numeric. */
export function junkDim(rng: Rng): unknown {
  return pick(rng, [-1, -0, 0.5, 2.5, NaN, Infinity, 2 ** 31, 2 ** 32, 2 ** 53, 1e300, '2', null, undefined, 2n, [2], {}]);
}

/** A shape that is wrong for `shape`: one dim changed, a dim added or dropped, holes, junk dims, overflow. */
export function junkShape(rng: Rng, shape: readonly number[]): unknown {
  const s: unknown[] = shape.slice();
  switch (between(rng, 0, 10)) {
    case 0: if (s.length > 0) s[between(rng, 0, s.length - 1)] = (shape[0] ?? 1) + pick(rng, [-1, 1, 2]); return s;
    case 1: if (s.length > 0) s[between(rng, 0, s.length - 1)] = junkDim(rng); return s;
    case 2: return [...s, pick(rng, [1, 0, 2])];
    case 3: return s.slice(1);
    case 4: return [2 ** 31, 2 ** 31, ...s.slice(2)]; // product overflows 32 bits
    case 5: return [0, 2 ** 40, ...s.slice(2)]; // product 0 with a huge dim
    case 6: return [2 ** 53, 2 ** 53, 2 ** 53];
    case 7: { const holes = new Array(s.length); if (s.length > 1) holes[s.length - 1] = s[s.length - 1]; return holes; }
    case 8: return s.reverse();
    case 9: return Array.from({ length: between(rng, 5, 40) }, () => 1);
    default: return junkScalar(rng);
  }
}

/** Ragged or poisoned nested arrays, or deep nesting. */
export function junkNested(rng: Rng, shape: readonly number[]): unknown {
  const build = (depth: number): unknown => (depth === shape.length ? rng() : Array.from({ length: shape[depth] }, () => build(depth + 1)));
  const nested = build(0) as unknown[];
  switch (between(rng, 0, 6)) {
    case 0: { // ragged: drop an element somewhere
      let level: unknown = nested;
      while (Array.isArray(level) && Array.isArray(level[0]) && chance(rng, 0.6)) level = level[0];
      if (Array.isArray(level)) level.pop();
      return nested;
    }
    case 1: { // a non-number leaf
      let level: unknown = nested;
      while (Array.isArray(level) && Array.isArray(level[0])) level = level[level.length - 1];
      if (Array.isArray(level) && level.length > 0) level[level.length - 1] = junkScalar(rng);
      return nested;
    }
    case 2: { // NaN and infinities are numbers: valid
      let level: unknown = nested;
      while (Array.isArray(level) && Array.isArray(level[0])) level = level[0];
      if (Array.isArray(level) && level.length > 0) level[0] = pick(rng, [NaN, Infinity, -Infinity, 1e300]);
      return nested;
    }
    case 3: { // deep nesting
      let deep: unknown = [1];
      for (let i = between(rng, 3, 200); i > 0; i--) deep = [deep];
      return deep;
    }
    case 4: return [[], []];
    case 5: return [[[]]];
    default: return nested; // valid
  }
}

/**
 * A junk tensor for a place that expects `shape`: mostly near-valid ({ data, shape } with one thing
 * wrong), sometimes valid, sometimes nested arrays, sometimes anything at all.
 */
export function junkTensor(rng: Rng, wanted: readonly number[]): unknown {
  const shape = Number.isSafeInteger(product(wanted)) && product(wanted) <= 4096 ? wanted : [2, 2];
  const n = product(shape);
  switch (between(rng, 0, 11)) {
    case 0: return { data: randomData(rng, n), shape: junkShape(rng, shape) };
    case 1: return { data: junkBuffer(rng, n), shape: shape.slice() };
    case 2: return { data: randomData(rng, Math.max(0, n + pick(rng, [-1, 1, 3]))), shape: shape.slice() };
    case 3: return { data: new Float32Array(3), shape: [2 ** 31, 2 ** 31] };
    case 4: return junkNested(rng, shape);
    case 5: return chance(rng, 0.5) ? randomData(rng, n) : junkBuffer(rng, n); // bare arrays
    case 6: return { data: randomData(rng, n) }; // no shape
    case 7: return { shape: shape.slice() }; // no data
    case 8: return { data: randomData(rng, n), shape: shape.slice(), extra: junkScalar(rng) }; // valid with an extra key
    case 9: { // valid, with NaN/Inf inside
      const data = randomData(rng, n);
      if (n > 0) data[between(rng, 0, n - 1)] = pick(rng, [NaN, Infinity, -Infinity, 3e38]);
      return { data, shape: shape.slice() };
    }
    case 10: return hostile(rng);
    default: return junkScalar(rng);
  }
}

/** Mostly `valid()`, otherwise junk: calls must often get past their first check. */
export function maybe(rng: Rng, valid: () => unknown, validShare = 0.75, junk: () => unknown = () => junkScalar(rng)): unknown {
  return chance(rng, validShare) ? valid() : junk();
}

/** Sets random keys of an options object to junk, adds unknown keys, or replaces it. */
export function mutateOptions(rng: Rng, options: Record<string, unknown>, keys: readonly string[]): unknown {
  const o: Record<string, unknown> = { ...options };
  switch (between(rng, 0, 7)) {
    case 0: return junkScalar(rng);
    case 1: o[pick(rng, ['bogus', 'hidden_size', '__proto__x', 'constructor', 'toString'])] = junkScalar(rng); return o;
    case 2: delete o[pick(rng, Object.keys(o).length > 0 ? Object.keys(o) : ['x'])]; return o;
    case 3: return Object.defineProperty(o, pick(rng, keys), { enumerable: true, get() { throw hostileError(`option getter`); } });
    default:
      for (let i = between(rng, 1, 2); i > 0; i--) o[pick(rng, keys)] = chance(rng, 0.3) ? junkDim(rng) : junkScalar(rng);
      return o;
  }
}
