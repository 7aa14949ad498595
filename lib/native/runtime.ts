// Process-wide compute settings: the thread budget and the instruction-set path of the kernel.
import { positiveInteger } from '../options';
import { describe } from '../tensor';
import { addon, type KernelPath } from './binding';

export type { KernelPath } from './binding';

/**
 * Sets how many threads may compute at once in this process, across every model, async call and
 * worker_thread (default: VANILLA_RNN_NUM_THREADS or the number of cores).
 */
export function setNumThreads(threads: number): void {
  addon.setNumThreads(positiveInteger(threads, 'threads'));
}

export function getNumThreads(): number {
  return addon.getNumThreads();
}

/** The kernel paths this CPU supports, fastest first. */
export function supportedKernelPaths(): KernelPath[] {
  return addon.supportedKernelPaths();
}

/**
 * Forces a kernel path for this thread's calls ('auto' picks the fastest supported one; the
 * VANILLA_RNN_KERNEL environment variable sets the initial choice). For testing and comparison:
 * every path gives the same results to float rounding.
 */
export function setKernelPath(path: KernelPath | 'auto'): void {
  if (typeof path !== 'string') throw new TypeError(`path: expected a string, got ${describe(path)}`);
  if (!['auto', 'avx512', 'avx2', 'neon', 'portable'].includes(path)) {
    throw new RangeError(`path: expected 'auto', 'avx512', 'avx2', 'neon' or 'portable', got '${path}'`);
  }
  if (path !== 'auto' && !addon.supportedKernelPaths().includes(path)) throw new RangeError(`path: '${path}' is not supported by this CPU`);
  addon.setKernelPath(path);
}

export function getKernelPath(): KernelPath {
  return addon.getKernelPath();
}
