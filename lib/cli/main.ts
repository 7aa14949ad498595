#!/usr/bin/env node
// The `vanilla-rnn` command line. Exit codes: 0 ok, 1 runtime error, 2 usage error. Errors are one
// line on stderr; --verbose adds the stack.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { RunOptions } from './run-command';

function positiveIntegerOption(value: string): number {
  const parsed = Number(value);
  // Number() alone would take '1e3', '0x10' and ' 2 '.
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return parsed;
}

function nonNegativeIntegerOption(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  return Number(value);
}

/** `--shard I/N`: the I-th (from 0) of N contiguous ranges of the batch. */
function shardOption(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!match || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new InvalidArgumentError(`expected I/N with 0 <= I < N (shards are numbered from 0), got '${value}'`);
  }
  return { index, count };
}

/** State_dicts (safetensors, .pt) hold only weights: how PyTorch built the nn.RNN may have to be told. */
function withStateDictOptions(command: Command): Command {
  return command
    .addOption(new Option('--nonlinearity <name>', 'state_dicts: the nn.RNN nonlinearity (else safetensors\' __metadata__, else tanh, with a warning)').choices(['tanh', 'relu']))
    .option('--batch-first', 'state_dicts: the nn.RNN was built with batch_first=True (else __metadata__, else false, with a warning)')
    .option('--no-batch-first', 'state_dicts: the nn.RNN was built with batch_first=False')
    .option('--prefix <module>', 'state_dicts: the module path of the nn.RNN in a whole model\'s state_dict, e.g. rnn.');
}

/** The library's warnings as one line each on stderr, instead of Node's "(node:123) ..." form. */
function printWarningsAsLines(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => process.stderr.write(`vanilla-rnn: warning: ${warning.message.replace(/\s*\n\s*/g, ' ')}\n`));
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

// Commands load the model stack (the addon, ~120 modules) only when they run, so --help and usage
// errors answer at once.
function buildProgram(): Command {
  const program = new Command('vanilla-rnn')
    .description('Fast vanilla RNN inference with PyTorch, Keras and ONNX semantics')
    .version(packageVersion(), '-V, --version', 'print the version of vanilla-rnn')
    .option('--verbose', 'print stack traces with errors')
    .configureOutput({ outputError: (message, write) => write(`vanilla-rnn: ${message.replace(/^error: /, '').trim()} (see --help)\n`) })
    .exitOverride();
  program.command('demo')
    .description('run the built-in example models and print inputs, outputs and timings')
    .action(async () => (await import('./demo')).runDemo());
  withStateDictOptions(program.command('run')
    .description('run a model file (.onnx, .safetensors, .pt, TF.js model.json, Keras .keras or .h5) on .npy inputs; writes <output>.npy')
    .argument('<model>', 'the model file (or a TF.js model directory)')
    .requiredOption('--input <spec...>', 'x.npy for the main input, or name=file.npy')
    .option('--out-dir <dir>', 'where to write the outputs', '.')
    .option('--batch-size <n>', 'run n sequences at a time (progress bar on a terminal); default: all at once up to 256 MiB of input, else parts of about 16 MiB', positiveIntegerOption)
    .option('--shard <I/N>', 'run only the I-th (from 0) of N contiguous ranges of the batch; writes <output>.shard-<start>-<end>-axis<k>.npy', shardOption))
    .action(async (model: string, options: RunOptions) => {
      const { runModelFile } = await import('./run-command');
      await runModelFile(model, options, { print: console.log, stderr: process.stderr });
    });
  program.command('concat')
    .description('join the shards of `run --shard` (or .npy files) along their batch axis into one .npy, streaming')
    .argument('<files...>', 'the shard files, or a folder: each output\'s shards in it join into <output>.npy')
    .option('--out <file>', 'the file to write (default: <output>.npy beside shards of one output)')
    .option('--axis <n>', 'the axis to join along (default: the one shard names give)', nonNegativeIntegerOption)
    .action(async (files: string[], options: { out?: string; axis?: number }) => {
      const { concatFiles } = await import('./concat-command');
      await concatFiles(files, options, { print: console.log, stderr: process.stderr });
    });
  program.command('worker')
    .description('take batch jobs from a BullMQ queue on Redis and write each shard\'s files (until SIGINT or SIGTERM)')
    .requiredOption('--redis <url>', 'the Redis server, redis://host:port[/db]')
    .requiredOption('--queue <name>', 'the queue to take jobs from')
    .option('--concurrency <n>', 'jobs at once in this process (default 1: one job uses every core)', positiveIntegerOption)
    .option('--lock-duration <ms>', 'how long a job\'s lock lasts unrenewed before another worker takes the job up (default 30000)', positiveIntegerOption)
    .option('--stalled-interval <ms>', 'how often to look for jobs whose worker died (default 30000)', positiveIntegerOption)
    .option('--root <dir>', 'refuse jobs naming paths outside this folder (relative paths are taken from it)')
    .action(async (options: import('./queue-commands').WorkerCommandOptions) => {
      const { runWorker } = await import('./queue-commands');
      await runWorker(options, { print: console.log, stderr: process.stderr });
    });
  withStateDictOptions(program.command('enqueue')
    .description('cut the inputs\' batch into shards and put one job each on a BullMQ queue for `vanilla-rnn worker`')
    .argument('<model>', 'the model file, as the workers see it')
    .requiredOption('--input <spec...>', 'x.npy for the main input, or name=file.npy, as the workers see them')
    .requiredOption('--shards <n>', 'how many shards', positiveIntegerOption)
    .requiredOption('--redis <url>', 'the Redis server, redis://host:port[/db]')
    .requiredOption('--queue <name>', 'the queue')
    .option('--out-dir <dir>', 'where the workers write the shard files', '.')
    .option('--batch-size <n>', 'sequences per run in the workers', positiveIntegerOption)
    .option('--attempts <n>', 'tries per job (default 3)', positiveIntegerOption)
    .option('--wait', 'wait until every shard is done (exit 1 if one failed for good)'))
    .action(async (model: string, options: import('./queue-commands').EnqueueCommandOptions) => {
      const { enqueueModelFile } = await import('./queue-commands');
      await enqueueModelFile(model, options, { print: console.log, stderr: process.stderr });
    });
  withStateDictOptions(program.command('info')
    .description('format, configuration, parameter count, input and output names, shapes and batch axes of a model file')
    .argument('<model>', 'the model file (or a TF.js model directory)'))
    .action(async (model: string, options: RunOptions) => (await import('./info-command')).describeModelFile(model, options, console.log));
  return program;
}

function errorText(error: unknown, verbose: boolean): string {
  if (!(error instanceof Error)) return String(error);
  if (verbose && error.stack) return error.stack;
  return error.message.replace(/\s*\n\s*/g, ' ');
}

async function main(argv: string[]): Promise<void> {
  printWarningsAsLines();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message already; help and version are not errors.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    console.error(`vanilla-rnn: ${errorText(error, program.opts().verbose === true)}`);
    process.exitCode = 1;
  }
}

void main(process.argv);
