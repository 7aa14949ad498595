// `vanilla-rnn worker` and `vanilla-rnn enqueue`: batch jobs through a BullMQ queue on Redis. The
// producer cuts a dataset's batch into shards, one job each; workers on any machine that sees the
// files take jobs and write each shard's files; `concat` joins them. stdout gets one line per job.
import { hostname } from 'node:os';
import { createBatchWorker, enqueueShards, loadModel, waitForJobs } from '../index';
import { inputFiles, stateDictOptions, type CommandOutput, type RunOptions } from './run-command';
import { STOP_SIGNALS } from './signals';

export interface WorkerCommandOptions {
  redis: string;
  queue: string;
  concurrency?: number;
  lockDuration?: number;
  stalledInterval?: number;
  root?: string;
}

/** Runs until SIGINT or SIGTERM: then cancels the jobs running (BullMQ retries them) and closes. */
export async function runWorker(options: WorkerCommandOptions, { print, stderr }: CommandOutput): Promise<void> {
  const worker = await createBatchWorker({
    connection: options.redis, queue: options.queue,
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
    ...(options.lockDuration !== undefined && { lockDuration: options.lockDuration }),
    ...(options.stalledInterval !== undefined && { stalledInterval: options.stalledInterval }),
    ...(options.root !== undefined && { root: options.root }),
  });
  let lastError = '';
  worker.on('error', (error) => {
    if (error.message !== lastError) stderr.write(`vanilla-rnn: worker: ${error.message}\n`);
    lastError = error.message;
  });
  worker.on('ready', () => stderr.write(`vanilla-rnn: worker ${hostname()}:${process.pid} takes jobs from queue '${options.queue}'\n`));
  worker.on('active', (job) => print(`started ${job.id} sequences [${job.data.range?.join(', ')}) attempt ${job.attemptsMade + 1}`));
  worker.on('completed', (job, result) => print(`completed ${job.id} in ${result.seconds.toFixed(2)} s: wrote ${result.written.map((w) => w.path).join(', ')}`));
  worker.on('failed', (job, error) => print(`failed ${job?.id} attempt ${job ? job.attemptsMade : '?'} of ${job?.opts.attempts ?? 1}: ${error.message}`));
  await new Promise<void>((resolve) => {
    let stopping = false;
    for (const [name, number] of Object.entries(STOP_SIGNALS)) {
      process.on(name, () => {
        if (stopping) process.exit(128 + number);
        stopping = true;
        stderr.write(`vanilla-rnn: ${name}: cancelling the jobs running (they will be retried) and closing (again to exit at once)\n`);
        worker.cancelAllJobs(`the worker got ${name}`);
        void worker.close().then(resolve, resolve);
      });
    }
  });
}

export interface EnqueueCommandOptions extends Pick<RunOptions, 'input' | 'outDir' | 'batchSize' | 'nonlinearity' | 'batchFirst'> {
  redis: string;
  queue: string;
  shards: number;
  attempts?: number;
  wait?: boolean;
}

export async function enqueueModelFile(file: string, options: EnqueueCommandOptions, { print, stderr }: CommandOutput): Promise<void> {
  const modelOptions = stateDictOptions(options);
  const model = await loadModel(file, modelOptions);
  const enqueued = await enqueueShards({
    connection: options.redis, queue: options.queue, shards: options.shards,
    model: file, ...(Object.keys(modelOptions).length > 0 && { modelOptions }),
    inputs: inputFiles(options.input, model.inputNames[0]), outDir: options.outDir,
    ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
    ...(options.attempts !== undefined && { attempts: options.attempts }),
  });
  for (const job of enqueued.jobs) print(`queued ${job.id} sequences [${job.start}, ${job.end})`);
  if (!options.wait) return;
  const done = await waitForJobs({
    connection: options.redis, queue: options.queue, ids: enqueued.jobs.map((j) => j.id),
    onProgress: (p) => stderr.write(`vanilla-rnn: ${p.completed.length} of ${enqueued.jobs.length} shards done${p.failed.length ? `, ${p.failed.length} failed` : ''}\n`),
  });
  if (done.failed.length > 0) throw new Error(`${done.failed.length} shard job(s) failed: ${done.failed.map((f) => `${f.id}: ${f.reason}`).join('; ')}`);
}
