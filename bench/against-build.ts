// `npm run bench -- --against DIR`: this checkout's vanilla-rnn against another build of it (an
// earlier commit's checkout, built with `npm run build`), config by config on the same weights and
// inputs, taking turns in one process: what a change did, measured in one run on one machine.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vanilla from 'vanilla-rnn';
import { compareOutputs } from './agreement';
import { type BenchConfig, describeShape, selectConfigs } from './configs';
import { formatTime } from './format-table';
import { FULL, QUICK } from './policies';
import { timeInRounds } from './timing';
import { createVanillaEngine, type VanillaLibrary } from './vanilla-engine';
import { createWorkload } from './workload';

type BuildLibrary = VanillaLibrary & { setNumThreads?(count: number): void };

export interface AgainstBuildOptions {
  checkout: string;
  threads: number;
  quick?: boolean;
  only?: string[];
  print?: (line: string) => void;
  progress?: (message: string) => void;
}

function loadBuild(checkout: string): BuildLibrary {
  const entry = path.resolve(checkout, 'dist', 'index.js');
  try {
    return createRequire(__filename)(entry) as BuildLibrary;
  } catch (error) {
    throw new Error(`--against: cannot load ${entry} (build that checkout with npm run build): ${(error as Error).message}`);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function compareConfig(config: BenchConfig, other: BuildLibrary, options: AgainstBuildOptions): Promise<string> {
  const policy = options.quick ? QUICK : FULL;
  const workload = createWorkload(config);
  const here = createVanillaEngine(workload);
  const there = createVanillaEngine(workload, other);
  const [mine, theirs] = await timeInRounds([{ call: here.run }, { call: there.run }], policy.timing,
    { rounds: policy.rounds, settle: () => sleep(policy.settleMs) });
  const agree = compareOutputs(here.outputs(), there.outputs()).ok ? 'yes' : 'NO';
  return `| ${config.name} ${describeShape(config)} | ${formatTime(mine.medianMs)} | ${formatTime(theirs.medianMs)} | `
    + `${(theirs.medianMs / mine.medianMs).toFixed(2)}× | ${agree} |`;
}

export async function runAgainstBuild(options: AgainstBuildOptions): Promise<void> {
  const print = options.print ?? console.log;
  const other = loadBuild(options.checkout);
  vanilla.setNumThreads(options.threads);
  other.setNumThreads?.(options.threads);
  const rows: string[] = [];
  for (const config of selectConfigs(options.only)) {
    options.progress?.(`${config.name}: this checkout, ${options.checkout}`);
    rows.push(await compareConfig(config, other, options));
  }
  print(`This checkout against the build in ${options.checkout}, ${options.threads} threads, median per forward call${options.quick ? ', --quick' : ''}:`);
  print('');
  print('| config (T, B, D, H) | this checkout | the other build | speed-up (its time / this) | outputs agree |');
  print('|---|---:|---:|---:|---|');
  for (const row of rows) print(row);
}
