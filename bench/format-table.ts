// The report as Markdown, ready to paste into the README.
import { formatServing } from './serving';
import type { Agreement } from './agreement';
import { describeShape } from './configs';
import type { MachineInfo } from './machine';
import type { BenchReport, ConfigResult, EngineResult } from './report';
import { formatWholeModels } from './whole-model';

const DASH = '–';

function significant(value: number): string {
  if (value >= 100) return value.toFixed(0);
  return value.toPrecision(3);
}

export function formatTime(ms: number): string {
  return ms < 0.1 ? `${significant(ms * 1e3)} µs` : `${significant(ms)} ms`;
}

function formatPercent(percent: number | null): string {
  if (percent === null) return DASH;
  return `${percent < 10 ? percent.toPrecision(2) : percent.toFixed(0)} %`;
}

function engineCells(result: EngineResult | undefined, withRates: boolean): string[] {
  if (!result) return withRates ? [DASH, DASH, DASH] : [DASH];
  const time = formatTime(result.medianMs);
  return withRates ? [time, significant(result.gflops), formatPercent(result.percentOfPeak)] : [time];
}

function agreementCell(agreement: ConfigResult['agreement']): string {
  const checks = Object.entries(agreement) as Array<[string, Agreement]>;
  if (checks.length === 0) return DASH;
  const failed = checks.filter(([, check]) => !check.ok);
  if (failed.length === 0) return 'yes';
  return `**no**: ${failed.map(([engine, check]) => `${engine} max error ${check.maxAbsError.toExponential(1)}`).join(', ')}`;
}

// vanilla-rnn on one thread, with how many times longer it takes than on the run's threads.
function oneThreadCell(result: ConfigResult): string {
  const { vanilla, vanillaOneThread } = result.engines;
  if (!vanilla || !vanillaOneThread) return DASH;
  return `${formatTime(vanillaOneThread.medianMs)} (${significant(vanillaOneThread.medianMs / vanilla.medianMs)}×)`;
}

function configRow(result: ConfigResult): string {
  const ratio = result.onnxruntimeOverVanilla === null ? DASH : `${significant(result.onnxruntimeOverVanilla)}×`;
  const cells = [
    `${result.name} ${describeShape(result)}`,
    ...engineCells(result.engines.vanilla, true),
    oneThreadCell(result),
    ...engineCells(result.engines.onnxruntime, true),
    ratio,
    ...engineCells(result.engines.typescript, false),
    agreementCell(result.agreement),
  ];
  return `| ${cells.join(' | ')} |`;
}

function machineLine(machine: MachineInfo, report: BenchReport): string {
  const parts = [
    `${machine.cpuModel}, ${machine.logicalCpus} logical CPUs (${machine.platform} ${machine.arch})`,
    `Node ${machine.node}`,
    (machine.openblas ? `OpenBLAS ${machine.openblas}` : 'OpenBLAS version unknown')
      + (machine.openblasCoretype ? ` (OPENBLAS_CORETYPE=${machine.openblasCoretype})` : ''),
    machine.onnxruntime ? `onnxruntime-node ${machine.onnxruntime}` : 'onnxruntime-node not installed',
  ];
  const vanilla = [
    report.vanillaThreads === null ? null : `getNumThreads() = ${report.vanillaThreads}`,
    report.kernelPath === null ? null : `kernel ${report.kernelPath}`,
  ].filter((part) => part !== null);
  const threads = `${report.threads} threads${vanilla.length > 0 ? ` (vanilla-rnn ${vanilla.join(', ')})` : ''}`;
  return `Measured on ${parts.join(', ')}; ${threads}, float32, median per forward call${report.quick ? ', --quick' : ''}; `
    + 'vanilla-rnn and onnxruntime-node take turns in rounds, so a slow spell of the machine falls on both.';
}

function peakLine(report: BenchReport): string {
  if (!report.peak) return 'sgemm peak: not measured (see the notes).';
  const { size, gflops, medianMs } = report.peak;
  return `sgemm peak (OpenBLAS ${size}×${size}×${size} through the addon): ${significant(gflops)} GFLOP/s (${formatTime(medianMs)}).`;
}

const HEADER = [
  '| config (T, B, D, H) | vanilla-rnn | GFLOP/s | % of peak | vanilla-rnn, 1 thread (its time / the above) | onnxruntime-node | GFLOP/s | % of peak | onnxruntime / vanilla-rnn | TypeScript loop | outputs agree |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
];

export function formatMarkdown(report: BenchReport): string[] {
  const lines = [machineLine(report.machine, report), '', peakLine(report)];
  if (report.configs.length > 0) lines.push('', ...HEADER, ...report.configs.map(configRow));
  if (report.wholeModels) lines.push(...formatWholeModels(report.wholeModels, formatTime));
  if (report.serving) lines.push(...formatServing(report.serving));
  if (report.notes.length > 0) lines.push('', ...report.notes.map((note) => `- ${note}`));
  return lines;
}
