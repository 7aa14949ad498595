#!/usr/bin/env node
// The `vanilla-rnn` command line. Exit codes: 0 ok, 1 runtime error, 2 usage error. Errors are one
// line on stderr; --verbose adds the stack.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { RunOptions } from './run-command';

function positiveIntegerOption(value: string): number {
  const parsed = Number(value);
  // Number() alone would take '1e3', '0x10' and ' 2 '.
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return parsed;
}

/** safetensors hold only weights: how PyTorch built the nn.RNN may have to be told. */
function withStateDictOptions(command: Command): Command {
  return command
    .addOption(new Option('--nonlinearity <name>', 'safetensors: the nn.RNN nonlinearity (else the file\'s __metadata__, else tanh)').choices(['tanh', 'relu']))
    .option('--batch-first', 'safetensors: the nn.RNN was built with batch_first=True (else __metadata__, else false)')
    .option('--no-batch-first', 'safetensors: the nn.RNN was built with batch_first=False');
}

// Commands load the model stack (the addon, ~120 modules) only when they run, so --help and usage
// errors answer at once.
function buildProgram(): Command {
  const program = new Command('vanilla-rnn')
    .description('Fast vanilla RNN inference with PyTorch, Keras and ONNX semantics')
    .option('--verbose', 'print stack traces with errors')
    .configureOutput({ outputError: (message, write) => write(`vanilla-rnn: ${message.replace(/^error: /, '').trim()} (see --help)\n`) })
    .exitOverride();
  program.command('demo')
    .description('run the built-in example models and print inputs, outputs and timings')
    .action(async () => (await import('./demo')).runDemo());
  withStateDictOptions(program.command('run')
    .description('run a model file (.onnx, .safetensors, TF.js model.json) on .npy inputs; writes <output>.npy')
    .argument('<model>', 'the model file (or a TF.js model directory)')
    .requiredOption('--input <spec...>', 'x.npy for the main input, or name=file.npy')
    .option('--out-dir <dir>', 'where to write the outputs', '.')
    .option('--batch-size <n>', 'run n sequences at a time (progress bar on a terminal); default: all at once', positiveIntegerOption))
    .action(async (model: string, options: RunOptions) => {
      const { runModelFile } = await import('./run-command');
      await runModelFile(model, options, { print: console.log, stderr: process.stderr });
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
