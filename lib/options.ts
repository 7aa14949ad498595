// Checks for option objects and scalar options, with messages that name the option and the value.
import { MAX_KERNEL_SIZE } from './limits';
import { describe } from './tensor';

export function checkOptionsObject(value: unknown, allowed: readonly string[], name: string): Record<string, unknown> {
  if (value === undefined) return EMPTY;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name}: expected an options object, got ${describe(value)}`);
  }
  // A plain loop: this runs on every forward call, where allocations show in the per-call overhead.
  for (const key in value) {
    if (!allowed.includes(key)) return throwUnknown(value, allowed, name);
  }
  return value as Record<string, unknown>;
}

const EMPTY: Record<string, unknown> = Object.freeze({});

function throwUnknown(value: object, allowed: readonly string[], name: string): never {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  {
    throw new TypeError(`${name}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; expected ${allowed.join(', ')}`);
  }
}

export function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name}: expected a positive integer, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 1 || value > MAX_KERNEL_SIZE) {
    throw new RangeError(`${name}: expected a positive integer, got ${value}`);
  }
  return value;
}

export function optionalBoolean(value: unknown, fallback: boolean, name: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${name}: expected a boolean, got ${describe(value)}`);
  return value;
}

export function oneOf<T extends string>(value: unknown, choices: readonly T[], fallback: T, name: string): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new TypeError(`${name}: expected one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
  if (!(choices as readonly string[]).includes(value)) {
    throw new RangeError(`${name}: expected one of ${choices.map((c) => `'${c}'`).join(', ')}, got '${value}'`);
  }
  return value as T;
}
