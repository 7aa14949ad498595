// A queue-driven batch worker on BullMQ (Redis): each job runs a model file on a range of its
// inputs and writes that range's shard files (runModelOnFiles with a range). BullMQ gives the
// concurrency, the retries and the recovery of jobs whose worker died (a stalled job's lock
// expires and another worker takes it); a job run twice rewrites the same files atomically.
import { hostname } from 'node:os';
import * as path from 'node:path';
import { stat } from 'node:fs/promises';
import type { Job, Worker } from 'bullmq';
import { runModelOnFiles } from '../batch-run/run-files';
import { loadModel, type Model } from '../model';
import { checkOptionsObject, positiveInteger } from '../options';
import { describe } from '../tensor';
import { connectionOptions, queueName, type QueueConnection } from './connection';
import { checkJobData, rangeOf, type BatchJobData, type BatchJobResult } from './job';

export interface BatchWorkerOptions {
  /** redis://host:port[/db], or BullMQ's connection options. */
  connection: QueueConnection;
  queue: string;
  /** Jobs run at once in this process (default 1: one job already uses every core). */
  concurrency?: number;
  /** How long a job's lock lasts without renewal before the job counts as stalled, ms (BullMQ's default 30000). */
  lockDuration?: number;
  /** How often this worker looks for stalled jobs, ms (BullMQ's default 30000). */
  stalledInterval?: number;
  /** How many times a job may stall before it fails (BullMQ's default 1). */
  maxStalledCount?: number;
  /** When given, every path a job names must lie inside this folder (relative paths are taken from it). */
  root?: string;
}

/** Keeps the few models jobs name loaded, keyed by file, options and modification time. */
class ModelCache {
  private readonly models = new Map<string, Promise<Model>>();

  async get(file: string, options: BatchJobData['modelOptions']): Promise<Model> {
    const { mtimeMs, size } = await stat(file);
    const key = JSON.stringify([file, options ?? {}, mtimeMs, size]);
    let model = this.models.get(key);
    if (!model) {
      model = loadModel(file, options);
      model.catch(() => this.models.delete(key));
      this.models.set(key, model);
      if (this.models.size > 4) this.models.delete(this.models.keys().next().value!);
    }
    return model;
  }
}

/** `file` resolved against `root`, refused when it leaves it. */
function inside(root: string | undefined, file: string, what: string): string {
  if (root === undefined) return file;
  const resolved = path.resolve(root, file);
  const relative = path.relative(root, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new RangeError(`${what}: ${file} is outside the worker's root ${root}`);
  return resolved;
}

function checkOptions(options: unknown): BatchWorkerOptions {
  const o = checkOptionsObject(options, ['connection', 'queue', 'concurrency', 'lockDuration', 'stalledInterval', 'maxStalledCount', 'root'], 'createBatchWorker options');
  const count = (key: string) => (o[key] === undefined ? undefined : positiveInteger(o[key], `createBatchWorker: ${key}`));
  if (o.root !== undefined && (typeof o.root !== 'string' || o.root === '')) throw new TypeError(`createBatchWorker: root: expected a folder path, got ${describe(o.root)}`);
  return {
    connection: o.connection as QueueConnection, queue: queueName(o.queue, 'createBatchWorker: queue'),
    concurrency: count('concurrency'), lockDuration: count('lockDuration'), stalledInterval: count('stalledInterval'), maxStalledCount: count('maxStalledCount'),
    root: o.root === undefined ? undefined : path.resolve(o.root as string),
  };
}

/** The job's data with every path checked against the root; a malformed job cannot succeed on a retry. */
function jobPaths(data: unknown, root: string | undefined): BatchJobData {
  const job = checkJobData(data);
  return {
    ...job,
    model: inside(root, job.model, 'job model'),
    inputs: Object.fromEntries(Object.entries(job.inputs).map(([name, file]) => [name, inside(root, file, `job inputs.${name}`)])),
    outDir: inside(root, job.outDir, 'job outDir'),
  };
}

/**
 * Starts a BullMQ worker on `queue` that runs batch jobs (see enqueueShards). Resolves to BullMQ's
 * Worker: listen to its 'active', 'completed' and 'failed' events; close() waits for the jobs
 * running, cancelAllJobs() stops them between parts (their unfinished files are removed and the
 * jobs retried as BullMQ's attempts allow).
 */
export async function createBatchWorker(options: BatchWorkerOptions): Promise<Worker<BatchJobData, BatchJobResult>> {
  const o = checkOptions(options);
  const connection = connectionOptions(o.connection, 'createBatchWorker: connection');
  const { Worker: BullWorker, UnrecoverableError } = await import('bullmq');
  const models = new ModelCache();
  const who = `${hostname()}:${process.pid}`;
  const processor = async (job: Job<BatchJobData, BatchJobResult>, _token?: string, signal?: AbortSignal): Promise<BatchJobResult> => {
    let data: BatchJobData;
    try {
      data = jobPaths(job.data, o.root);
    } catch (error) {
      throw new UnrecoverableError((error as Error).message);
    }
    try {
      const model = await models.get(data.model, data.modelOptions);
      const result = await runModelOnFiles(model, {
        inputs: data.inputs, outDir: data.outDir, range: rangeOf(data), ...(data.batchSize !== undefined && { batchSize: data.batchSize }), ...(signal && { signal }),
      });
      return { written: result.written, sequences: result.sequences ?? 0, seconds: result.seconds, worker: who };
    } catch (error) {
      // A wrong type, shape or size fails the same way on every attempt; I/O errors and cancellations may not.
      if (!signal?.aborted && (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError)) throw new UnrecoverableError(error.message);
      throw error;
    }
  };
  return new BullWorker<BatchJobData, BatchJobResult>(o.queue, processor, {
    connection, name: who, concurrency: o.concurrency ?? 1,
    ...(o.lockDuration !== undefined && { lockDuration: o.lockDuration }),
    ...(o.stalledInterval !== undefined && { stalledInterval: o.stalledInterval }),
    ...(o.maxStalledCount !== undefined && { maxStalledCount: o.maxStalledCount }),
  });
}
