// Reading a model or array from a path or from bytes, with the label errors use to name it.
import { readFileSync } from 'node:fs';
import { describe } from '../tensor';

export interface Source {
  bytes: Uint8Array;
  /** The path, or "<bytes>" when the caller passed bytes. */
  label: string;
  path: string | null;
}

export function readSource(pathOrBytes: unknown, what: string): Source {
  if (pathOrBytes instanceof Uint8Array) return { bytes: pathOrBytes, label: '<bytes>', path: null };
  if (typeof pathOrBytes !== 'string' || pathOrBytes === '') {
    throw new TypeError(`${what}: expected a file path or a Uint8Array, got ${describe(pathOrBytes)}`);
  }
  return { bytes: readFileSync(pathOrBytes), label: pathOrBytes, path: pathOrBytes };
}
