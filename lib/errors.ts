// The errors a caller may want to tell apart, each with a stable `code`, as Node's own errors have.
//
// Each error also keeps the built-in class that the same failure has always had, so existing
// `instanceof TypeError` / `RangeError` / `SyntaxError` checks keep holding: a truncated file is a
// RangeError and a header that is not JSON a SyntaxError, and both are MalformedFileErrors with
// code 'ERR_MALFORMED_FILE'. `instanceof MalformedFileError` is decided by the code (so it holds
// across copies of the package too), and `name` is the concept's name, so a stack trace reads
// "MalformedFileError: model.onnx: ...".

export type ErrorCode = 'ERR_UNSUPPORTED' | 'ERR_MALFORMED_FILE' | 'ERR_WRONG_SHAPE' | 'ERR_DISPOSED';

/** The built-in class an error keeps. */
export type ErrorBase = 'Error' | 'TypeError' | 'RangeError' | 'SyntaxError';

export interface CodedErrorOptions {
  /** The built-in class the error is an instance of; each class below has its usual one. */
  base?: ErrorBase;
  cause?: unknown;
}

/** Any error of this package that carries a code. */
export interface VanillaRnnError extends Error {
  readonly code: ErrorCode;
}

const BASES: Record<ErrorBase, ErrorConstructor> = { Error, TypeError, RangeError, SyntaxError };

type CodedConstructor = new (message: string, options?: { cause?: unknown }) => VanillaRnnError;

// One subclass of each built-in per code, made once; `new` on a public class returns one of these.
const variants = new Map<string, CodedConstructor>();

function variant(code: ErrorCode, name: string, base: ErrorBase): CodedConstructor {
  const key = `${code}:${base}`;
  const known = variants.get(key);
  if (known) return known;
  const Coded = class extends BASES[base] {
    readonly code = code;
  };
  Object.defineProperty(Coded.prototype, 'name', { value: name, writable: true, configurable: true });
  // The constructor keeps the built-in's name, as code that reads error.constructor.name expects.
  Object.defineProperty(Coded, 'name', { value: base });
  variants.set(key, Coded);
  return Coded;
}

export function errorCode(value: unknown): ErrorCode | undefined {
  if (!(value instanceof Error)) return undefined;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' && CODES.has(code as ErrorCode) ? (code as ErrorCode) : undefined;
}

const CODES = new Set<ErrorCode>(['ERR_UNSUPPORTED', 'ERR_MALFORMED_FILE', 'ERR_WRONG_SHAPE', 'ERR_DISPOSED']);

/**
 * The public classes: constructing one gives an instance of the chosen built-in with the code set.
 * Their constructors return that instance, which TypeScript sees as an instance of the class.
 */
function codedClass(code: ErrorCode, name: string, defaultBase: ErrorBase) {
  return class {
    declare readonly code: ErrorCode;
    declare readonly name: string;
    declare readonly message: string;
    declare readonly stack?: string;
    declare readonly cause?: unknown;

    constructor(message: string, options: CodedErrorOptions = {}) {
      const Made = variant(code, name, options.base ?? defaultBase);
      const error = options.cause === undefined ? new Made(message) : new Made(message, { cause: options.cause });
      return error as unknown as this;
    }

    static [Symbol.hasInstance](value: unknown): boolean {
      return errorCode(value) === code;
    }
  };
}

/** An operator, layer, dtype or file feature the package does not run (code ERR_UNSUPPORTED; a RangeError unless told). */
export const UnsupportedError = codedClass('ERR_UNSUPPORTED', 'UnsupportedError', 'RangeError');
export type UnsupportedError = VanillaRnnError;

/** A file that is truncated, inconsistent or not what it claims to be (code ERR_MALFORMED_FILE; a RangeError unless told). */
export const MalformedFileError = codedClass('ERR_MALFORMED_FILE', 'MalformedFileError', 'RangeError');
export type MalformedFileError = VanillaRnnError;

/** An input, weight or state of the wrong shape (code ERR_WRONG_SHAPE; a RangeError). */
export const ShapeError = codedClass('ERR_WRONG_SHAPE', 'ShapeError', 'RangeError');
export type ShapeError = VanillaRnnError;

/** A model used after dispose() (code ERR_DISPOSED; an Error). */
export const DisposedError = codedClass('ERR_DISPOSED', 'DisposedError', 'Error');
export type DisposedError = VanillaRnnError;
