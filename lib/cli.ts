#!/usr/bin/env node
// The `vanilla-rnn` command line. Exit codes: 0 ok, 1 runtime error, 2 usage error.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { runDemo } from './cli/demo';
import { describeModelFile, runModelFile } from './cli/model-commands';

function positiveIntegerOption(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return parsed;
}

function buildProgram(): Command {
  const program = new Command('vanilla-rnn')
    .description('Fast vanilla RNN inference with PyTorch, Keras and ONNX semantics')
    .option('--verbose', 'print stack traces with errors')
    .showHelpAfterError()
    .exitOverride();
  program.command('demo')
    .description('run the built-in example models and print inputs, outputs and timings')
    .action(() => runDemo());
  program.command('run')
    .description('run a model file (.onnx, .safetensors, TF.js model.json) on .npy inputs; writes <output>.npy')
    .argument('<model>', 'the model file (or a TF.js model directory)')
    .requiredOption('--input <spec...>', 'x.npy for the main input, or name=file.npy')
    .option('--out-dir <dir>', 'where to write the outputs', '.')
    .action((model: string, options: { input: string[]; outDir: string }) => runModelFile(model, options, console.log));
  program.command('info')
    .description('format, configuration, parameter count, input and output names and shapes of a model file')
    .argument('<model>', 'the model file (or a TF.js model directory)')
    .action((model: string) => describeModelFile(model, console.log));
  program.command('bench')
    .description('benchmark vanilla-rnn against onnxruntime-node and a plain TypeScript loop, with the sgemm peak')
    .option('--quick', 'short measurements: only checks that every config runs')
    .option('--json', 'print the report as JSON')
    .option('--threads <n>', 'threads for every engine (default: all cores)', positiveIntegerOption)
    .option('--only <names...>', 'run only these configs')
    .action(async (options: { quick?: boolean; json?: boolean; threads?: number; only?: string[] }) => {
      const { runBench } = await import('./bench/index');
      await runBench({ ...options, progress: (message) => process.stderr.write(`${message}\n`) });
    });
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message already; help and version are not errors.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const verbose = program.opts().verbose === true;
    console.error(`vanilla-rnn: ${verbose && error instanceof Error ? error.stack : error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

void main(process.argv);
