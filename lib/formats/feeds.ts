// Checks shared by every model format: feed names against the model's inputs, shapes against the
// shapes the file declares.
import { ShapeError } from '../errors';
import { describe, formatShape } from '../tensor';
import type { Dim } from './types';

function listing(inputNames: readonly string[], optional: readonly string[]): string {
  return inputNames.map((name) => (optional.includes(name) ? `${name} (optional)` : name)).join(', ');
}

/** The feeds object with unknown and missing names refused; absent optional inputs are dropped. */
export function checkFeedNames(feeds: unknown, inputNames: readonly string[], optional: readonly string[] = []): Map<string, unknown> {
  if (typeof feeds !== 'object' || feeds === null || Array.isArray(feeds) || ArrayBuffer.isView(feeds)) {
    throw new TypeError(`feeds: expected an object of input name -> tensor (inputs: ${listing(inputNames, optional)}), got ${describe(feeds)}`);
  }
  const unknown = Object.keys(feeds).filter((name) => !inputNames.includes(name));
  if (unknown.length > 0) {
    throw new TypeError(`feeds: unknown input${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; this model's inputs are ${listing(inputNames, optional)}`);
  }
  const given = new Map<string, unknown>();
  for (const name of inputNames) {
    const value = (feeds as Record<string, unknown>)[name];
    if (value !== undefined && value !== null) given.set(name, value);
    else if (!optional.includes(name)) {
      throw new TypeError(`feeds: missing input '${name}'; this model's inputs are ${listing(inputNames, optional)}`);
    }
  }
  return given;
}

/**
 * Refuses a feed whose rank or fixed dimensions differ from what the file declares. A number the file
 * gives on the batch axis is only the batch its author exported or tested with: where the model's
 * batch axis is known, any number of sequences runs there.
 */
export function checkDeclaredShape(name: string, shape: readonly number[], declared: readonly Dim[] | null, batchAxis?: number): void {
  if (!declared) return;
  const fits = shape.length === declared.length && declared.every((d, i) => typeof d !== 'number' || d === shape[i] || i === batchAxis);
  if (!fits) throw new ShapeError(`input '${name}': expected shape ${formatShape(declared)}, got ${formatShape(shape)}`);
}
