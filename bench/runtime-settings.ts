// vanilla-rnn's process-wide settings (thread count, kernel path), through the functions
// lib/index.ts exports when this build has them.
import * as vanilla from 'vanilla-rnn';

export interface ThreadControl {
  setNumThreads(count: number): void;
  getNumThreads(): number;
}

type RuntimeApi = Partial<ThreadControl & { getKernelPath(): string }>;

const api = vanilla as unknown as RuntimeApi;

export function vanillaThreadControl(): ThreadControl | null {
  if (typeof api.setNumThreads !== 'function' || typeof api.getNumThreads !== 'function') return null;
  return { setNumThreads: api.setNumThreads, getNumThreads: api.getNumThreads };
}

/** The instruction-set path the kernel runs ('avx512', 'avx2', 'portable'), when the build says. */
export function vanillaKernelPath(): string | null {
  return typeof api.getKernelPath === 'function' ? api.getKernelPath() : null;
}
