// Reading a layer's config fields: each one a layer uses is checked for its type and range, a field
// the file leaves out takes Keras' default, and one that would change what the layer computes in a
// way not supported here (stateful, quantized, a custom dtype) is refused, all naming the layer.
import { MalformedFileError, UnsupportedError } from '../../errors';
import { describe } from '../../tensor';
import type { Json } from './description';

export interface LayerContext {
  /** `<file>: layer "<name>" (<Class>)`, for errors. */
  what: string;
}

export function flag(config: Json, key: string, fallback: boolean, { what }: LayerContext): boolean {
  const value = config[key] ?? fallback;
  if (typeof value !== 'boolean') throw new MalformedFileError(`${what}: config.${key} must be a boolean, got ${describe(value)}`, { base: 'TypeError' });
  return value;
}

export function positiveInteger(config: Json, key: string, { what }: LayerContext): number {
  const value = config[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > 2 ** 31 - 1) {
    throw new MalformedFileError(`${what}: config.${key} must be a positive integer, got ${typeof value === 'number' ? value : describe(value)}`);
  }
  return value;
}

export function finiteNumber(config: Json, key: string, fallback: number, { what }: LayerContext): number {
  const value = config[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new MalformedFileError(`${what}: config.${key} must be a finite number, got ${typeof value === 'number' ? value : describe(value)}`, { base: 'TypeError' });
  return value;
}

export function oneOf<T extends string>(config: Json, key: string, allowed: readonly T[], fallback: T, { what }: LayerContext): T {
  const value = config[key] ?? fallback;
  if (!allowed.includes(value as T)) throw new UnsupportedError(`${what}: config.${key} ${JSON.stringify(value)} is not supported; expected ${allowed.map((a) => JSON.stringify(a)).join(' or ')}`);
  return value as T;
}

/** Fields that, when set, make the layer compute something this package does not. */
export function refuseSet(config: Json, keys: string[], { what }: LayerContext): void {
  for (const key of keys) {
    const value = config[key];
    if (value !== undefined && value !== null && value !== false && value !== 0) {
      throw new UnsupportedError(`${what}: config.${key}=${JSON.stringify(value)} is not supported`);
    }
  }
}

/** A dropout-like rate: Keras accepts 0 <= rate <= 1. */
export function rate(config: Json, key: string, context: LayerContext): number {
  const value = finiteNumber(config, key, 0, context);
  if (value < 0 || value > 1) throw new MalformedFileError(`${context.what}: config.${key} must be in [0, 1], got ${value}`);
  return value;
}

/** The layer's dtype: a name (Keras 2, TF.js) or a Keras 3 DTypePolicy; only float32 is computed. */
export function checkFloat32(config: Json, context: LayerContext): void {
  const dtype = config.dtype;
  if (dtype === undefined || dtype === null) return;
  const name = typeof dtype === 'object' && !Array.isArray(dtype) ? ((dtype as Json).config as Json | undefined)?.name : dtype;
  if (name !== 'float32') {
    throw new UnsupportedError(`${context.what}: dtype ${JSON.stringify(name ?? dtype)} is not supported; layers compute in float32`);
  }
}
