#!/usr/bin/env node
// The `vanilla-rnn` command line.
import { Command } from 'commander';
import { runDemo } from './cli/demo';

function buildProgram(): Command {
  const program = new Command('vanilla-rnn')
    .description('Fast vanilla RNN inference with PyTorch, Keras and ONNX semantics')
    .showHelpAfterError();
  program.command('demo')
    .description('run the built-in example models and print inputs, outputs and timings')
    .action(() => runDemo());
  return program;
}

buildProgram().parseAsync(process.argv).catch((error: unknown) => {
  console.error(`vanilla-rnn: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
