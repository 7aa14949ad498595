// `npm run bench -- [--quick] [--json] [--threads N] [--only NAME...]`: the bench's command line.
import { Command, InvalidArgumentError } from 'commander';
import { runBench } from './index';

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return Number(value);
}

const program = new Command('bench')
  .description('benchmark vanilla-rnn against onnxruntime-node and a plain TypeScript loop, with the sgemm peak')
  .option('--quick', 'short measurements: only checks that every config runs')
  .option('--json', 'print the report as JSON')
  .option('--threads <n>', 'threads for every engine (default: all cores)', positiveInteger)
  .option('--only <names...>', 'run only these configs')
  .action(async (options: { quick?: boolean; json?: boolean; threads?: number; only?: string[] }) => {
    await runBench({ ...options, progress: (message) => process.stderr.write(`${message}\n`) });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
