// Process-wide compute settings: the thread budget and the instruction-set path of the kernel.
import { addon } from './native';
import { positiveInteger } from './options';

export type KernelPath = 'avx512' | 'avx2' | 'portable';

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
  addon.setKernelPath(path);
}

export function getKernelPath(): KernelPath {
  return addon.getKernelPath();
}
