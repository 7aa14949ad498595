// The producer of batch jobs: a dataset's batch cut into shards, one BullMQ job each, with ids
// derived from the dataset and the range, so that enqueueing the same dataset again adds nothing
// while the queue keeps the jobs.
import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import { planBatches } from '../batch-run/plan';
import { shardRange, type SequenceRange } from '../batch-run/shards';
import { checkFeedNames } from '../formats/feeds';
import { openNpy } from '../formats/npy-file';
import { loadModel } from '../model';
import { checkOptionsObject, positiveInteger } from '../options';
import { describe } from '../tensor';
import { connectionOptions, queueName, type QueueConnection } from './connection';
import { checkJobData, type BatchJobData } from './job';

export interface EnqueueShardsOptions extends Omit<BatchJobData, 'range'> {
  connection: QueueConnection;
  queue: string;
  /** How many shards (contiguous ranges of the batch) to cut it into. */
  shards: number;
  /** Tries per job, counting the first (default 3); a job whose worker died is taken up again besides. */
  attempts?: number;
  /** The wait before a retry, doubled each time, ms (default 1000). */
  backoff?: number;
  /** Job ids are <prefix>-<start>-<end>; default: a hash of the model, inputs and output folder. */
  jobIdPrefix?: string;
}

export interface EnqueuedShards {
  queue: string;
  sequences: number;
  jobs: Array<{ id: string } & SequenceRange>;
}

/** How many sequences the inputs hold along the model's batch axes (the model is loaded to know them). */
async function countSequences(data: Omit<BatchJobData, 'range'>): Promise<number> {
  const model = await loadModel(data.model, data.modelOptions);
  checkFeedNames(data.inputs, model.inputNames, model.optionalInputNames);
  const files = await Promise.all(Object.entries(data.inputs).map(async ([name, file]) => [name, await openNpy(file)] as const));
  try {
    const plan = planBatches(model, Object.fromEntries(files.map(([name, f]) => [name, f.layout])));
    if (plan.kind === 'whole') throw new RangeError(`enqueueShards: the batch cannot be cut into shards: ${plan.reason}`);
    return plan.sequences;
  } finally {
    await Promise.all(files.map(([, f]) => f.close()));
  }
}

function defaultPrefix(data: Omit<BatchJobData, 'range'>): string {
  return createHash('sha256').update(JSON.stringify([data.model, data.modelOptions ?? {}, data.inputs, data.outDir])).digest('hex').slice(0, 16);
}

/** Adds one job per shard of the inputs' batch to `queue`; resolves to the jobs' ids and ranges. */
export async function enqueueShards(options: EnqueueShardsOptions): Promise<EnqueuedShards> {
  const o = checkOptionsObject(options, ['connection', 'queue', 'shards', 'attempts', 'backoff', 'jobIdPrefix', 'model', 'modelOptions', 'inputs', 'outDir', 'batchSize'], 'enqueueShards options');
  const queue = queueName(o.queue, 'enqueueShards: queue');
  const shards = positiveInteger(o.shards, 'enqueueShards: shards');
  const attempts = o.attempts === undefined ? 3 : positiveInteger(o.attempts, 'enqueueShards: attempts');
  const backoff = o.backoff === undefined ? 1000 : positiveInteger(o.backoff, 'enqueueShards: backoff');
  if (o.jobIdPrefix !== undefined && (typeof o.jobIdPrefix !== 'string' || !/^[\w.-]+$/.test(o.jobIdPrefix))) {
    throw new TypeError(`enqueueShards: jobIdPrefix: expected letters, digits, '.', '_' or '-', got ${typeof o.jobIdPrefix === 'string' ? `'${o.jobIdPrefix}'` : describe(o.jobIdPrefix)}`);
  }
  const { range: _, ...data } = checkJobData({ model: o.model, modelOptions: o.modelOptions, inputs: o.inputs, outDir: o.outDir, batchSize: o.batchSize, range: [0, 0] });
  const connection = connectionOptions(o.connection, 'enqueueShards: connection');
  const sequences = await countSequences(data);
  const prefix = (o.jobIdPrefix as string | undefined) ?? defaultPrefix(data);
  const ranges = Array.from({ length: shards }, (_, i) => shardRange(sequences, i, shards));
  const jobOptions: JobsOptions = { attempts, backoff: { type: 'exponential', delay: backoff } };
  const { Queue } = await import('bullmq');
  const bull = new Queue<BatchJobData>(queue, { connection });
  try {
    const jobs = ranges.map((r) => ({ id: `${prefix}-${r.start}-${r.end}`, ...r }));
    await bull.addBulk(jobs.map((job) => ({ name: 'shard', data: { ...data, range: [job.start, job.end] as [number, number] }, opts: { ...jobOptions, jobId: job.id } })));
    return { queue, sequences, jobs };
  } finally {
    await bull.close();
  }
}

export interface JobsProgress {
  completed: string[];
  /** Jobs that failed for good (no attempts left), with BullMQ's reason. */
  failed: Array<{ id: string; reason: string }>;
  waiting: number;
}

/**
 * Resolves once every job in `ids` has completed or failed for good, polling the queue every
 * `intervalMs` (default 500) and telling `onProgress` what changed.
 */
export async function waitForJobs(options: { connection: QueueConnection; queue: string; ids: string[]; intervalMs?: number; onProgress?: (progress: JobsProgress) => void }): Promise<JobsProgress> {
  const connection = connectionOptions(options.connection, 'waitForJobs: connection');
  const { Queue } = await import('bullmq');
  const bull = new Queue(queueName(options.queue, 'waitForJobs: queue'), { connection });
  let last = '';
  try {
    for (;;) {
      const progress: JobsProgress = { completed: [], failed: [], waiting: 0 };
      for (const id of options.ids) {
        const job = await bull.getJob(id);
        const state = job ? await job.getState() : 'unknown';
        if (state === 'completed') progress.completed.push(id);
        else if (state === 'failed') progress.failed.push({ id, reason: job!.failedReason }); // BullMQ fails a job only when it will not retry it
        else if (state === 'unknown') progress.failed.push({ id, reason: 'the job is not in the queue (removed?)' });
        else progress.waiting++;
      }
      const summary = `${progress.completed.length}/${progress.failed.length}`;
      if (summary !== last) options.onProgress?.(progress);
      last = summary;
      if (progress.waiting === 0) return progress;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  } finally {
    await bull.close();
  }
}
