// Event-loop delay while an engine is measured: a hook for an asynchronous forward (off the main
// thread), where the point is that the loop stays responsive. The timer yields to the loop between
// samples; a synchronous engine blocks it for a whole sample, so its max is about one sample's time.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface EventLoopDelay {
  meanMs: number;
  p99Ms: number;
  maxMs: number;
}

export async function withEventLoopDelay<T>(work: () => Promise<T>): Promise<{ result: T; delay: EventLoopDelay }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  try {
    const result = await work();
    await new Promise((resolve) => setTimeout(resolve, 2)); // lets the monitor record the last block
    if (histogram.count === 0) return { result, delay: { meanMs: 0, p99Ms: 0, maxMs: 0 } };
    return { result, delay: { meanMs: histogram.mean / 1e6, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 } };
  } finally {
    histogram.disable();
  }
}
