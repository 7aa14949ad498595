// `npm run bench -- [--quick] [--json] [--threads N] [--only NAME...]`: the bench's command line.
// `npm run bench -- --stream [--stream-dir DIR] [--stream-gb N] [--stream-batch N]`: the streaming
// run over files of several GB instead (opt-in: it writes about 3 × N GB to disk).
// `npm run bench -- --against DIR [--quick] [--threads N] [--only NAME...]`: this checkout against
// another checkout's built library.
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { runAgainstBuild } from './against-build';
import { runBench } from './index';
import { runStreamBench } from './stream';

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return Number(value);
}

const program = new Command('bench')
  .description('benchmark vanilla-rnn against onnxruntime-node and a plain TypeScript loop, set against the machine\'s FMA peak and L2 rate')
  .option('--quick', 'short measurements: only checks that every config runs')
  .option('--json', 'print the report as JSON')
  .option('--threads <n>', 'threads for every engine (default: all cores)', positiveInteger)
  .option('--only <names...>', 'run only these configs (char_rnn_onnx: the whole-model row)')
  .option('--against <checkout>', 'instead: this checkout against another one\'s built library (an earlier commit), config by config')
  .option('--stream', 'instead: streaming `run` over a generated input of several GB against model.run in memory, with the disk\'s rates')
  .option('--stream-dir <dir>', 'where --stream writes its files (default: the system\'s temporary folder)')
  .option('--stream-gb <n>', 'the --stream input\'s size in GB (default 4)', positiveInteger)
  .option('--stream-batch <n>', 'sequences per part for --stream (default: what run chooses)', positiveInteger)
  .action(async (options: { quick?: boolean; json?: boolean; threads?: number; only?: string[]; against?: string; stream?: boolean; streamDir?: string; streamGb?: number; streamBatch?: number }) => {
    const progress = (message: string) => process.stderr.write(`${message}\n`);
    if (options.stream) {
      await runStreamBench({ dir: options.streamDir, gigabytes: options.streamGb, batchSize: options.streamBatch, progress });
      return;
    }
    if (options.against) {
      await runAgainstBuild({ checkout: options.against, threads: options.threads ?? availableParallelism(), quick: options.quick,
        only: options.only, progress });
      return;
    }
    await runBench({ ...options, progress });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
