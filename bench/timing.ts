// Median wall time of a call: warm up, size the samples from the warm-up, then time samples.

export interface TimingPolicy {
  /** Keep calling for this long before measuring (JIT, caches, thread pools spinning up). */
  warmupSeconds: number;
  /** Aim to spend about this long measuring. */
  budgetSeconds: number;
  minSamples: number;
  maxSamples: number;
  /** Calls shorter than this are timed in groups, so the clock's own cost does not count. */
  minSampleSeconds: number;
  /** Let the event loop run a timer phase between samples (for the event-loop delay hook). */
  yieldBetweenSamples?: boolean;
}

export interface Timing {
  medianMs: number;
  minMs: number;
  samples: number;
  callsPerSample: number;
}

type Call = () => void | Promise<void>;

function isPromise(value: unknown): value is Promise<void> {
  return typeof (value as Promise<void> | undefined)?.then === 'function';
}

function seconds(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** Times `calls` back-to-back calls; awaits between calls only for an asynchronous `call`. */
async function timeGroup(call: Call, calls: number, isAsync: boolean): Promise<number> {
  const start = seconds();
  if (isAsync) {
    for (let i = 0; i < calls; i++) await call();
  } else {
    for (let i = 0; i < calls; i++) call();
  }
  return seconds() - start;
}

/** Warms up and returns the seconds per call seen once warm, and whether the call is asynchronous. */
async function warmUp(call: Call, policy: TimingPolicy): Promise<{ perCall: number; isAsync: boolean }> {
  const start = seconds();
  const first = call();
  const isAsync = isPromise(first);
  if (isAsync) await first;
  const firstCall = seconds() - start;
  // A call longer than the warm-up has warmed itself up (the JIT compiles hot loops while they run).
  if (firstCall >= policy.warmupSeconds) return { perCall: firstCall, isAsync };
  let fastest = Infinity;
  for (let calls = 1; ; calls *= 2) {
    // Doubling groups: few clock reads for microsecond calls; the fastest group is the warm speed.
    fastest = Math.min(fastest, (await timeGroup(call, calls, isAsync)) / calls);
    if (seconds() - start >= policy.warmupSeconds) return { perCall: fastest, isAsync };
  }
}

function yieldToTimers(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function median(sorted: number[]): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A call under test, with what must surround its samples (a process-wide setting, say). */
export interface TimedCall {
  call: Call;
  enter?: () => void;
  leave?: () => void;
}

interface Plan {
  isAsync: boolean;
  callsPerSample: number;
  samples: number;
  perCallMs: number[];
}

async function plan(timed: TimedCall, policy: TimingPolicy): Promise<Plan> {
  timed.enter?.();
  try {
    const { perCall, isAsync } = await warmUp(timed.call, policy);
    const callsPerSample = Math.max(1, Math.ceil(policy.minSampleSeconds / perCall));
    const wanted = Math.ceil(policy.budgetSeconds / (perCall * callsPerSample));
    return { isAsync, callsPerSample, samples: Math.min(policy.maxSamples, Math.max(policy.minSamples, wanted)), perCallMs: [] };
  } finally {
    timed.leave?.();
  }
}

async function sample(timed: TimedCall, plan: Plan, count: number, policy: TimingPolicy): Promise<void> {
  timed.enter?.();
  try {
    for (let i = 0; i < count; i++) {
      if (policy.yieldBetweenSamples) await yieldToTimers();
      plan.perCallMs.push((await timeGroup(timed.call, plan.callsPerSample, plan.isAsync)) / plan.callsPerSample * 1e3);
    }
  } finally {
    timed.leave?.();
  }
}

function summarize(plan: Plan): Timing {
  const sorted = plan.perCallMs.slice().sort((a, b) => a - b);
  return { medianMs: median(sorted), minMs: sorted[0], samples: sorted.length, callsPerSample: plan.callsPerSample };
}

export async function timeCall(call: Call, policy: TimingPolicy): Promise<Timing> {
  const [timing] = await timeInRounds([{ call }], policy, { rounds: 1, settle: async () => {} });
  return timing;
}

/**
 * Times several calls whose speeds are to be compared, taking turns in `rounds` blocks of samples,
 * so that a slow spell of a shared machine falls on all of them rather than on one.
 */
export async function timeInRounds(calls: readonly TimedCall[], policy: TimingPolicy,
  turns: { rounds: number; settle: () => Promise<void> }): Promise<Timing[]> {
  const plans: Plan[] = [];
  for (const timed of calls) {
    await turns.settle();
    plans.push(await plan(timed, policy));
  }
  for (let round = 0; round < turns.rounds; round++) {
    for (const [i, timed] of calls.entries()) {
      const { samples } = plans[i];
      const count = Math.ceil(samples * (round + 1) / turns.rounds) - Math.ceil(samples * round / turns.rounds);
      if (count === 0) continue;
      await turns.settle();
      await sample(timed, plans[i], count, policy);
    }
  }
  return plans.map(summarize);
}
