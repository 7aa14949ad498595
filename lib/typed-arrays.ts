// Typed arrays read through their internal slots instead of their properties. A subclass (or an own
// property) can make .length, .buffer and instanceof say anything, while copies, `set` and the
// addon use the real elements: a check that believed the properties would pass an array that then
// fails, or silently loses elements, further on.

/** Any typed array (not a DataView). */
export type TypedArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

const TypedArrayPrototype: object = Object.getPrototypeOf(Uint8Array.prototype);

function intrinsicGetter<T>(key: PropertyKey): (view: unknown) => T {
  const getter = Object.getOwnPropertyDescriptor(TypedArrayPrototype, key)!.get!;
  return (view) => Reflect.apply(getter, view, []) as T;
}

// The %TypedArray%.prototype[@@toStringTag] getter gives the kind of a real typed array, and
// undefined for anything else (a plain object with a typed array's prototype included).
const kindOf = intrinsicGetter<string | undefined>(Symbol.toStringTag);
const lengthOf = intrinsicGetter<number>('length');
const byteLengthOf = intrinsicGetter<number>('byteLength');
const bufferOf = intrinsicGetter<ArrayBufferLike>('buffer');
const byteOffsetOf = intrinsicGetter<number>('byteOffset');

/** The kind of typed array ("Float32Array", ...) `value` really is, or undefined when it is none. */
export function typedArrayKind(value: unknown): string | undefined {
  return kindOf(value);
}

export function isFloat32Array(value: unknown): value is Float32Array {
  return kindOf(value) === 'Float32Array';
}

export function isUint8Array(value: unknown): value is Uint8Array {
  return kindOf(value) === 'Uint8Array';
}

/** The element count the array really has now (0 when detached or out of bounds), whatever .length says. */
export function realLength(view: TypedArray): number {
  return lengthOf(view);
}

/** True when the typed array's memory is a SharedArrayBuffer (which cannot be detached). */
export function isShared(view: TypedArray): boolean {
  return typeof SharedArrayBuffer === 'function' && bufferOf(view) instanceof SharedArrayBuffer;
}

/** True when the typed array's buffer has been transferred away (postMessage, structuredClone). */
export function isDetached(view: TypedArray): boolean {
  if (byteLengthOf(view) !== 0) return false;
  try {
    new Uint8Array(bufferOf(view));
    return false;
  } catch {
    return true;
  }
}

/**
 * `view` itself when it is a plain Float32Array whose .length is its real `length`, else a plain
 * Float32Array over the same bytes (no copy): code further on can then trust its .length and methods.
 */
export function plainFloat32Array(view: Float32Array, length = lengthOf(view)): Float32Array {
  // The .length read finds an own property too; it is left for last, as on a subclass it runs the caller's getter.
  if (Object.getPrototypeOf(view) === Float32Array.prototype && view.length === length) return view;
  return new Float32Array(bufferOf(view), byteOffsetOf(view), length);
}

/**
 * A fresh copy of `data`, which must hold exactly `size` elements now: a getter that ran since the
 * check may have shrunk, grown or transferred its buffer, and the copy must be what was checked.
 */
export function copyExactly(data: Float32Array, size: number, name: string): Float32Array {
  const length = lengthOf(data);
  if (length !== size) {
    if (isDetached(data)) throw new TypeError(`${name}: the Float32Array's ArrayBuffer was detached (transferred) after it was checked`);
    throw new RangeError(`${name}: expected ${size} elements, the Float32Array now holds ${length} (its buffer was resized after it was checked)`);
  }
  const copy = new Float32Array(size);
  copy.set(data); // reads the internal slots of `data`, not its properties
  return copy;
}
