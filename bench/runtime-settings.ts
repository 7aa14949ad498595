// vanilla-rnn's process-wide settings (thread count, kernel path), through the functions
// lib/index.ts exports when this build has them.
import * as vanilla from 'vanilla-rnn';

export interface ThreadControl {
  setNumThreads(count: number): void;
  getNumThreads(): number;
}

export interface KernelPathControl {
  setKernelPath(path: string): void;
  getKernelPath(): string;
  supportedKernelPaths(): string[];
}

type RuntimeApi = Partial<ThreadControl & KernelPathControl>;

const api = vanilla as unknown as RuntimeApi;

export function vanillaThreadControl(): ThreadControl | null {
  if (typeof api.setNumThreads !== 'function' || typeof api.getNumThreads !== 'function') return null;
  return { setNumThreads: api.setNumThreads, getNumThreads: api.getNumThreads };
}

export function vanillaKernelPathControl(): KernelPathControl | null {
  const { setKernelPath, getKernelPath, supportedKernelPaths } = api;
  if (typeof setKernelPath !== 'function' || typeof getKernelPath !== 'function' || typeof supportedKernelPaths !== 'function') return null;
  return { setKernelPath, getKernelPath, supportedKernelPaths };
}

/** The instruction-set path the kernel runs ('avx512', 'avx2', 'neon', 'portable'), when the build says. */
export function vanillaKernelPath(): string | null {
  return typeof api.getKernelPath === 'function' ? api.getKernelPath() : null;
}
