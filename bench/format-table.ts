// The report as Markdown, ready to paste into the README.
import { formatServing } from './serving';
import type { Agreement } from './agreement';
import { describeShape } from './configs';
import { wHhBytes } from './hardware';
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

function timeCell(result: EngineResult | undefined): string {
  return result ? formatTime(result.medianMs) : DASH;
}

function agreementCell(agreement: ConfigResult['agreement']): string {
  const checks = Object.entries(agreement) as Array<[string, Agreement]>;
  if (checks.length === 0) return DASH;
  const failed = checks.filter(([, check]) => !check.ok);
  if (failed.length === 0) return 'yes';
  return `**no**: ${failed.map(([engine, check]) => `${engine} max error ${check.maxAbsError.toExponential(1)}`).join(', ')}`;
}

// A time with how many times `reference`'s it is.
function timeAgainst(ms: number, reference: number): string {
  return `${formatTime(ms)} (${significant(ms / reference)}×)`;
}

function oneThreadCell(result: ConfigResult): string {
  const { vanilla, vanillaOneThread } = result.engines;
  return vanilla && vanillaOneThread ? timeAgainst(vanillaOneThread.medianMs, vanilla.medianMs) : DASH;
}

function avx2Cells(result: ConfigResult, report: BenchReport): string[] {
  const { vanilla, vanillaAvx2 } = result.engines;
  if (vanillaAvx2) return [formatTime(vanillaAvx2.medianMs), formatPercent(vanillaAvx2.percentOfFmaPeak)];
  if (report.kernelPath === 'avx2' && vanilla) return ['(the above)', formatPercent(vanilla.percentOfFmaPeak)];
  return [DASH, DASH];
}

// The L2 floor, with vanilla-rnn's time over it (below 1: faster than one core reading W_hh from L2).
function l2FloorCell(result: ConfigResult, machine: MachineInfo): string {
  const { vanilla } = result.engines;
  if (result.l2FloorMs === null || !vanilla) return DASH;
  const bytes = wHhBytes(result);
  if (machine.l1DataBytes !== null && bytes <= machine.l1DataBytes / 2) return `W_hh in L1 (${bytes / 1024} KiB)`;
  return `${formatTime(result.l2FloorMs)} (${significant(vanilla.medianMs / result.l2FloorMs)}×)`;
}

function neighbourCell(result: ConfigResult): string {
  const n = result.neighbour;
  if (!n) return DASH;
  return `${formatTime(n.vanillaOneThread.medianMs)} → ${formatTime(n.vanilla.medianMs)} (${significant(n.speedup)}×)`;
}

function configRow(result: ConfigResult, report: BenchReport): string {
  const ratio = result.onnxruntimeOverVanilla === null ? DASH : `${significant(result.onnxruntimeOverVanilla)}×`;
  const { vanilla, onnxruntime, typescript } = result.engines;
  const cells = [
    `${result.name} ${describeShape(result)}`,
    timeCell(vanilla),
    vanilla ? significant(vanilla.gflops) : DASH,
    formatPercent(vanilla?.percentOfFmaPeak ?? null),
    ...avx2Cells(result, report),
    oneThreadCell(result),
    l2FloorCell(result, report.machine),
    neighbourCell(result),
    timeCell(onnxruntime),
    ratio,
    timeCell(typescript),
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
  const loads = (l: number[]) => l.map((x) => x.toFixed(1)).join(', ');
  const load = machine.loadAverage && report.loadAverageAtEnd
    ? `; load average ${loads(machine.loadAverage)} at the start, ${loads(report.loadAverageAtEnd)} at the end` : '';
  return `Measured on ${parts.join(', ')}; ${threads}, float32, median per forward call${report.quick ? ', --quick' : ''}${load}; `
    + 'the engines of a config take turns in rounds, so a slow spell of the machine falls on all of them.';
}

function referenceLines(report: BenchReport): string[] {
  const hw = report.hardware;
  if (!hw) return ['Hardware references: not measured (see the notes).'];
  const peaks = Object.entries(hw.fmaPeakGflops).map(([path, gflops]) => `${path} ${significant(gflops)} GFLOP/s`);
  const widest = Object.keys(hw.fmaPeakGflops)[0];
  return [
    `Measured at the start of this run: the FMA peak on ${hw.threads} threads (independent FMA chains on every thread at once) `
    + `${peaks.join(', ')}; one core's L2 read rate (${hw.l2Bytes / 1024} KiB buffer, ${widest} loads) ${significant(hw.l2ReadGBps)} GB/s. `
    + `OpenBLAS's sgemm (${hw.sgemm.size}³ through the bench addon, ${hw.threads} threads; not a reference): ${significant(hw.sgemm.gflops)} GFLOP/s.`,
    '',
    'GFLOP/s counts 2·T·B·(D·H + H·H) per layer and direction. The L2 floor (B = 1 only) is W_hh\'s bytes × T × layers × directions '
    + 'over the L2 read rate: one core re-reading every W_hh from L2 at each step (not a bound for a W_hh within half of L1, which is read faster). '
    + 'Busy neighbour: another process spins on one core while vanilla-rnn runs on one thread and on the run\'s threads (their speed ratio; below 1 the threads lose).',
  ];
}

function tableHeader(report: BenchReport): string[] {
  const path = report.kernelPath ?? 'kernel';
  const cells = [
    'config (T, B, D, H)', `vanilla-rnn (${path})`, 'GFLOP/s', `% of ${path} FMA peak`, 'avx2 path', '% of avx2 FMA peak',
    'vanilla-rnn, 1 thread (its time / the above)', 'L2 floor (vanilla-rnn / floor)',
    'busy neighbour: 1 thread → threads (speed ratio)', 'onnxruntime-node', 'onnxruntime / vanilla-rnn', 'TypeScript loop',
    'outputs agree',
  ];
  const align = ['---', ...cells.slice(1, -1).map(() => '---:'), '---'];
  return [`| ${cells.join(' | ')} |`, `|${align.join('|')}|`];
}

export function formatMarkdown(report: BenchReport): string[] {
  const lines = [machineLine(report.machine, report), '', ...referenceLines(report)];
  if (report.configs.length > 0) lines.push('', ...tableHeader(report), ...report.configs.map((config) => configRow(config, report)));
  if (report.wholeModels) lines.push(...formatWholeModels(report.wholeModels, formatTime));
  if (report.serving) lines.push(...formatServing(report.serving));
  if (report.notes.length > 0) lines.push('', ...report.notes.map((note) => `- ${note}`));
  return lines;
}
