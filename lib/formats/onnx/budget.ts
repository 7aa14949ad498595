// How many elements the interpreter may create. A shape in a file is only a number and one node's
// result feeds the next, so a few hundred bytes could otherwise ask for gigabytes: every operator
// charges what it is about to allocate, before allocating it, against one budget for the whole load
// (the folded nodes) or one budget per call (the nodes the call runs).
import { MAX_ELEMENTS } from '../checked';
import type { Value } from './value';

/** Folding may create this many elements at least... */
export const LOAD_FLOOR = 2 ** 24;
/** ...or this many per byte of the file, whichever is more; a call may create as many... */
export const LOAD_PER_FILE_BYTE = 4;
/** ...or this many times its largest input (the file's constants are covered by its size). */
export const RUN_FACTOR = 16;
/** No value has more axes (numpy's limit); a chain of Unsqueeze could otherwise grow shapes instead of data. */
export const MAX_RANK = 64;

export class ElementBudget {
  private used = 0;

  private constructor(
    private limit: number,
    /** How much the limit rises per element of a computed result (an RNN's outputs); 0 while loading. */
    private readonly perResult: number,
    private readonly scope: string,
    private readonly basis: () => string,
  ) {}

  /** One budget for everything folding creates while a file of `fileBytes` loads. */
  static forLoad(fileBytes: number): ElementBudget {
    const limit = Math.max(LOAD_FLOOR, LOAD_PER_FILE_BYTE * fileBytes);
    return new ElementBudget(limit, 0, 'loading this file', () => `its size allows (${LOAD_PER_FILE_BYTE} elements per byte of its ${fileBytes} bytes, at least 2^24)`);
  }

  /**
   * One budget for a call of a model loaded from `fileBytes`, given the caller's inputs. Not the
   * folded constants: they were made by the file, within the load budget, and would justify more.
   */
  static forCall(fileBytes: number, inputs: Iterable<Value>): ElementBudget {
    let largest = 0;
    for (const value of inputs) largest = Math.max(largest, value.data.length);
    const limit = Math.max(LOAD_FLOOR, LOAD_PER_FILE_BYTE * fileBytes, RUN_FACTOR * largest);
    return new ElementBudget(limit, RUN_FACTOR, 'this call', () => `this model and its inputs justify (${LOAD_PER_FILE_BYTE} per byte of the file, ${RUN_FACTOR} per element of the largest input, at least 2^24; more for each RNN result)`);
  }

  /** Refuses `count` more elements beyond the limit, before they are allocated. */
  charge(count: number, label: string): void {
    if (count > MAX_ELEMENTS) throw new RangeError(`${label}: would create ${count} elements, more than the ${MAX_ELEMENTS} any tensor may have`);
    if (this.used + count > this.limit) {
      const before = this.used > 0 ? `, after ${this.used} already created by ${this.scope}` : '';
      throw new RangeError(`${label}: would create ${count} elements${before}, more than the ${this.limit} ${this.basis()}`);
    }
    this.used += count;
  }

  /** Charges and allocates `count` elements of the kind `like` holds (float32 for floats, float64 for integers). */
  allocate(like: Value, count: number, label: string): Float32Array | Float64Array {
    this.charge(count, label);
    return like.data instanceof Float32Array ? new Float32Array(count) : new Float64Array(count);
  }

  /**
   * An RNN's outputs are the work a call asks for: X's rows times the hidden size its weights fix.
   * At run time they raise the limit as the caller's inputs do; while loading they are charged only.
   */
  admitResult(count: number): void {
    this.limit += this.perResult * count;
  }

  /** Where the charges stand before a node runs, for `settle`. */
  mark(): number {
    return this.used;
  }

  /**
   * After a node ran: every element it created (an output not sharing memory with an input) must
   * have been charged since `mark`, so an operator that forgets to charge fails its first test
   * instead of a user's machine; and no output may have more than MAX_RANK axes.
   */
  settle(mark: number, inputs: ReadonlyArray<Value | undefined>, outputs: ReadonlyArray<Value | undefined>, label: string): void {
    const seen = new Set<ArrayBufferLike>(inputs.flatMap((v) => (v ? [v.data.buffer] : [])));
    let created = 0;
    for (const output of outputs) {
      if (!output) continue;
      if (output.shape.length > MAX_RANK) throw new RangeError(`${label}: its result would have ${output.shape.length} axes, more than the ${MAX_RANK} a tensor may have`);
      if (seen.has(output.data.buffer)) continue;
      seen.add(output.data.buffer);
      created += output.data.length;
    }
    if (created > this.used - mark) {
      throw new Error(`${label}: internal error: the operator created ${created} elements but charged ${this.used - mark}`);
    }
  }
}
