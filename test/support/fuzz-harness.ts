// The fuzz suites' bookkeeping: every call either works or throws (rejects with) an Error subclass
// with a non-empty message; anything else (a thrown non-Error, an empty message, an async call that
// does not settle in time) is a violation, kept with a description of the call to reproduce it.
//
// VANILLA_RNN_FUZZ_TRACE=1 writes each call's description to stderr, synchronously, before making
// it: after a crash (the process dies, so nothing else is printed) the last line is the culprit.
import { writeSync } from 'node:fs';

export const TRACE = process.env.VANILLA_RNN_FUZZ_TRACE === '1';

/** Messages of errors raised by the JS engine or runtime rather than by the library's own checks. */
const FOREIGN_MESSAGES = [
  /Cannot (read|set) propert/, /is not a function/, /is not iterable/, /Cannot convert/, /Do not know how to serialize/,
  /Converting circular/, /Maximum call stack/, /Invalid typed array length/, /Array buffer allocation failed/,
  /Invalid array length/, /on a detached ArrayBuffer/, /is not a constructor/, /Cannot create property/,
  /is out of bounds/, /Offset is outside the bounds/, /Invalid (string|DataView)/,
];

/**
 * Messages of the addon's checks on its own parameters: the library checks the caller's arguments
 * first and names them, so one of these reaching the caller means a check let something through
 * (a shape with holes once reached the addon as "steps: expected a number").
 */
const ADDON_MESSAGES = /^(steps|batch|rows|in|weight_ih|weight_hh|bias_ih|bias_hh|output|hn|kernel): /;

/** Errors our own hostile values throw (getters, proxies, toString): propagating them is correct. */
export const HOSTILE_MARK = 'fuzz: hostile';

interface EntryCounts {
  calls: number;
  worked: number;
  threw: number;
}

export interface Violation {
  entry: string;
  call: string;
  problem: string;
}

function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.constructor.name}: ${JSON.stringify(thrown.message)}`;
  try {
    return `a non-Error ${typeof thrown}: ${String(thrown)}`;
  } catch {
    return `a non-Error ${typeof thrown}`;
  }
}

export class FuzzTally {
  calls = 0;
  worked = 0;
  threw = 0;
  readonly byType = new Map<string, number>();
  readonly byEntry = new Map<string, EntryCounts>();
  readonly violations: Violation[] = [];
  /** Engine errors (TypeError: Cannot read properties of ...) that escaped the library's checks. */
  readonly foreign = new Map<string, { count: number; entry: string; call: string }>();
  readonly slowest = new Map<string, { ms: number; call: string }>();
  hostile = 0;
  /** The generator's own failures building a call (a bug in the fuzzer, not in the library). */
  generatorErrors = 0;
  generatorExample = '';

  /** Builds a call's arguments; a throw here is the fuzzer's own problem, counted and skipped. */
  build<T>(make: () => T): T | undefined {
    try {
      return make();
    } catch (error) {
      this.generatorErrors++;
      if (!this.generatorExample) this.generatorExample = error instanceof Error ? error.stack ?? error.message : String(error);
      return undefined;
    }
  }

  private entry(name: string): EntryCounts {
    let counts = this.byEntry.get(name);
    if (!counts) this.byEntry.set(name, (counts = { calls: 0, worked: 0, threw: 0 }));
    return counts;
  }

  private begin(entry: string, describe: () => string): void {
    this.calls++;
    this.entry(entry).calls++;
    if (TRACE) writeSync(2, `fuzz> ${entry}: ${describe()}\n`);
  }

  private timed(entry: string, describe: () => string, started: number): void {
    const ms = performance.now() - started;
    const slowest = this.slowest.get(entry);
    if (!slowest || ms > slowest.ms) this.slowest.set(entry, { ms, call: ms > 50 ? describe() : '' });
  }

  private succeeded(entry: string): void {
    this.worked++;
    this.entry(entry).worked++;
  }

  private failed(entry: string, describe: () => string, thrown: unknown): void {
    this.threw++;
    this.entry(entry).threw++;
    const type = thrown instanceof Error ? thrown.constructor.name : `non-Error ${typeof thrown}`;
    this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
    if (!(thrown instanceof Error)) {
      this.violations.push({ entry, call: describe(), problem: `threw ${describeThrown(thrown)}` });
      return;
    }
    if (typeof thrown.message !== 'string' || thrown.message.trim() === '') {
      this.violations.push({ entry, call: describe(), problem: `threw ${thrown.constructor.name} with an empty message` });
      return;
    }
    if (ADDON_MESSAGES.test(thrown.message)) {
      this.violations.push({ entry, call: describe(), problem: `the addon's own check reached the caller: ${describeThrown(thrown)}` });
      return;
    }
    if (thrown.message.startsWith(HOSTILE_MARK)) {
      this.hostile++;
      return;
    }
    if (FOREIGN_MESSAGES.some((pattern) => pattern.test(thrown.message))) {
      const key = `${thrown.constructor.name}: ${thrown.message.replace(/\d+/g, 'N')}`;
      const seen = this.foreign.get(key);
      if (seen) seen.count++;
      else this.foreign.set(key, { count: 1, entry, call: describe() });
    }
  }

  /** Makes one synchronous call; returns its result, or undefined when it threw. */
  attempt<T>(entry: string, describe: () => string, call: () => T): T | undefined {
    this.begin(entry, describe);
    const started = performance.now();
    try {
      const result = call();
      this.succeeded(entry);
      return result;
    } catch (thrown) {
      this.failed(entry, describe, thrown);
      return undefined;
    } finally {
      this.timed(entry, describe, started);
    }
  }

  /**
   * Makes one asynchronous call: it must settle within `timeoutMs` (a violation otherwise, and the
   * call is left behind). A call that throws synchronously instead of rejecting counts the same.
   */
  async attemptAsync<T>(entry: string, describe: () => string, call: () => Promise<T> | T, timeoutMs = 10_000): Promise<T | undefined> {
    this.begin(entry, describe);
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = Symbol('timed out');
    try {
      const deadline = new Promise<typeof timedOut>((resolve) => { timer = setTimeout(() => resolve(timedOut), timeoutMs); });
      const result = await Promise.race([Promise.resolve().then(call), deadline]);
      if (result === timedOut) {
        this.violations.push({ entry, call: describe(), problem: `did not settle within ${timeoutMs} ms` });
        return undefined;
      }
      this.succeeded(entry);
      return result as T;
    } catch (thrown) {
      this.failed(entry, describe, thrown);
      return undefined;
    } finally {
      clearTimeout(timer);
      this.timed(entry, describe, started);
    }
  }

  /** Records a broken invariant found by a check after a call (state changed by a failed call, ...). */
  violation(entry: string, call: string, problem: string): void {
    this.violations.push({ entry, call, problem });
  }

  summary(): string {
    const lines = [`fuzz: ${this.calls} calls, ${this.worked} worked, ${this.threw} threw `
      + `(${[...this.byType].map(([type, n]) => `${type} ${n}`).join(', ')}); ${this.hostile} were our hostile values' own errors`];
    if (this.generatorErrors > 0) lines.push(`  the generator failed to build ${this.generatorErrors} calls; first: ${this.generatorExample.split('\n').slice(0, 3).join(' | ')}`);
    for (const [name, c] of this.byEntry) {
      const slow = this.slowest.get(name);
      lines.push(`  ${name.padEnd(28)} ${String(c.calls).padStart(6)} calls ${String(c.worked).padStart(6)} worked `
        + `${String(c.threw).padStart(6)} threw; slowest ${slow ? slow.ms.toFixed(1) : '-'} ms${slow?.call ? ` (${slow.call.slice(0, 120)})` : ''}`);
    }
    if (this.foreign.size > 0) {
      lines.push(`  engine errors that escaped the library's own checks (${this.foreign.size} kinds):`);
      for (const [message, seen] of [...this.foreign].sort((a, b) => b[1].count - a[1].count)) {
        lines.push(`    ${seen.count} x ${message.slice(0, 160)}  [${seen.entry}: ${seen.call.slice(0, 200)}]`);
      }
    }
    for (const v of this.violations.slice(0, 20)) lines.push(`  VIOLATION ${v.entry}: ${v.problem}  [${v.call.slice(0, 300)}]`);
    return lines.join('\n');
  }
}

/** A short description of any value, for traces and violation reports. */
export function show(value: unknown, depth = 0): string {
  try {
    if (value === null) return 'null';
    if (value === undefined) return 'undefined';
    if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    if (typeof value === 'symbol' || typeof value === 'function' || typeof value === 'boolean') return String(value);
    if (ArrayBuffer.isView(value)) {
      const view = value as ArrayBufferView & { length?: number };
      const buffer = view.buffer as ArrayBuffer & { resizable?: boolean; detached?: boolean };
      const detached = view.byteLength === 0 && buffer.byteLength === 0 ? ', detached or empty' : '';
      const shared = typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer ? ', shared' : '';
      const resizable = buffer.resizable ? `, resizable buffer of ${buffer.byteLength} B` : '';
      return `${value.constructor.name}(${view.length ?? view.byteLength}${view.byteOffset ? ` @${view.byteOffset}` : ''}${detached}${shared}${resizable})`;
    }
    if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength})`;
    if (depth > 3) return '...';
    if (Array.isArray(value)) {
      const items = value.length > 8 ? [...value.slice(0, 8).map((v) => show(v, depth + 1)), `... ${value.length} items`] : Array.from(value, (v) => show(v, depth + 1));
      return `[${items.join(', ')}]`;
    }
    if (typeof value === 'object') {
      const keys = Reflect.ownKeys(value).slice(0, 10);
      const parts = keys.map((key) => {
        const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
        const shown = descriptor.get ? '<getter>' : show(descriptor.value, depth + 1);
        return `${String(key)}: ${shown}`;
      });
      const name = (value as object).constructor?.name;
      return `${name && name !== 'Object' ? `${name} ` : ''}{ ${parts.join(', ')} }`;
    }
    return typeof value;
  } catch {
    return '<unshowable>';
  }
}
