// The bench in its --quick form, as CI runs it: it completes, measures every config with every
// engine, and the engines agree. No timing thresholds: CI machines vary too much.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAgainstBuild } from '../bench/against-build';
import { BENCH_CONFIGS, runBench, type BenchReport } from '../bench/index';
import { compareOutputs } from '../bench/agreement';
import { selectConfigs } from '../bench/configs';
import { formatMarkdown } from '../bench/format-table';
import { timeInRounds } from '../bench/timing';
import { getKernelPath, supportedKernelPaths } from '../lib/index';

const names = BENCH_CONFIGS.map((config) => config.name);

describe('bench --quick', () => {
  let report: BenchReport;
  let printed = '';

  it('completes and prints its report as JSON', async () => {
    report = await runBench({ quick: true, json: true, print: (line) => { printed += `${line}\n`; } });
    expect((JSON.parse(printed) as BenchReport).configs.map((config) => config.name)).toEqual(names);
  }, 120_000);

  it('measures every config with vanilla-rnn and onnxruntime-node, with positive numbers', () => {
    expect(report.machine.onnxruntime).not.toBeNull(); // a devDependency: installed wherever tests run
    expect(report.configs.map((config) => config.name)).toEqual(names);
    for (const config of report.configs) {
      for (const engine of [config.engines.vanilla, config.engines.onnxruntime]) {
        expect(engine?.medianMs, config.name).toBeGreaterThan(0);
        expect(engine?.gflops, config.name).toBeGreaterThan(0);
      }
      expect(config.flops, config.name).toBeGreaterThan(0);
      expect(config.onnxruntimeOverVanilla, config.name).toBeGreaterThan(0);
    }
  });

  it('measures the FMA peak of every SIMD path the CPU runs, and the L2 read rate, or says why not', () => {
    const simd = supportedKernelPaths().filter((path) => path !== 'portable');
    if (!report.hardware) {
      expect(report.notes.join('\n')).toMatch(simd.length === 0 ? /no SIMD path/ : /bench addon .* not built/);
      return;
    }
    expect(Object.keys(report.hardware.fmaPeakGflops)).toEqual(simd);
    for (const gflops of Object.values(report.hardware.fmaPeakGflops)) expect(gflops).toBeGreaterThan(0);
    expect(report.hardware.l2ReadGBps).toBeGreaterThan(0);
    expect(report.hardware.sgemm.gflops).toBeGreaterThan(0);
  });

  it('sets vanilla-rnn against the FMA peak of its path, and against the AVX2 path\'s where the CPU has a wider one', () => {
    const hardware = report.hardware;
    if (!hardware) return;
    for (const config of report.configs) {
      const { vanilla, vanillaAvx2 } = config.engines;
      expect(vanilla?.kernelPath).toBe(getKernelPath());
      expect(vanilla!.percentOfFmaPeak).toBeCloseTo(100 * vanilla!.gflops / hardware.fmaPeakGflops[getKernelPath() as 'avx2']!);
      if (getKernelPath() === 'avx512') {
        expect(vanillaAvx2?.kernelPath, config.name).toBe('avx2');
        expect(vanillaAvx2!.percentOfFmaPeak).toBeCloseTo(100 * vanillaAvx2!.gflops / hardware.fmaPeakGflops.avx2!);
        expect(config.agreement.vanillaAvx2?.ok, config.name).toBe(true);
      } else {
        expect(vanillaAvx2, config.name).toBeUndefined();
      }
    }
    expect(getKernelPath()).toBe(supportedKernelPaths()[0]); // the AVX2 engine put the path back
  });

  it('gives B = 1 configs their L2 floor: W_hh\'s bytes × T × layers × directions over the L2 read rate', () => {
    const hardware = report.hardware;
    if (!hardware) return;
    for (const config of report.configs) {
      if (config.batch !== 1) {
        expect(config.l2FloorMs, config.name).toBeNull();
        continue;
      }
      const bytes = 4 * config.hiddenSize ** 2 * config.steps * config.numLayers * (config.bidirectional ? 2 : 1);
      expect(config.l2FloorMs, config.name).toBeCloseTo(bytes / (hardware.l2ReadGBps * 1e6), 9);
    }
  });

  it('times one thread against the run\'s threads beside a busy neighbour', () => {
    for (const config of report.configs) {
      const neighbour = config.neighbour;
      if (report.threads === 1) {
        expect(neighbour, config.name).toBeNull();
        continue;
      }
      expect(neighbour!.vanilla.medianMs, config.name).toBeGreaterThan(0);
      expect(neighbour!.speedup, config.name).toBeCloseTo(neighbour!.vanillaOneThread.medianMs / neighbour!.vanilla.medianMs);
    }
  });

  it('also times vanilla-rnn on one thread when the run uses more, with the same results', () => {
    for (const config of report.configs) {
      if (report.threads > 1) {
        expect(config.engines.vanillaOneThread?.medianMs, config.name).toBeGreaterThan(0);
        expect(config.agreement.vanillaOneThread?.ok, config.name).toBe(true);
      } else {
        expect(config.engines.vanillaOneThread, config.name).toBeUndefined();
      }
    }
  });

  it('runs the TypeScript loop where it is cheap, and every engine agrees with vanilla-rnn', () => {
    expect(report.configs.find((config) => config.name === 'tiny_call')?.engines.typescript?.medianMs).toBeGreaterThan(0);
    for (const config of report.configs) {
      expect(config.agreement.onnxruntime?.ok, config.name).toBe(true);
      if (config.engines.typescript) expect(config.agreement.typescript?.ok, config.name).toBe(true);
    }
  });

  it('measures the event loop under sync and async forwards, and the batcher against one forwardAsync per request', () => {
    const serving = report.serving!;
    for (const delay of [serving.sync, serving.async]) expect(delay.totalMs).toBeGreaterThan(0);
    expect(serving.batching.map((b) => b.workload.name)).toEqual(['short requests', 'longer sequences']);
    for (const b of serving.batching) {
      expect(b.batchedPerSecond).toBeGreaterThan(0);
      expect(b.unbatchedPerSecond).toBeGreaterThan(0);
      expect(b.ratio).toBeCloseTo(b.batchedPerSecond / b.unbatchedPerSecond);
    }
    expect(formatMarkdown(report).join('\n')).toContain('| short requests, T = 1..16 |');
  });

  it('formats a Markdown table with the machine, the references and one row per config', () => {
    const lines = formatMarkdown(report);
    expect(lines[0]).toContain(report.machine.cpuModel);
    if (report.hardware) expect(lines.join('\n')).toMatch(/FMA peak on \d+ threads .* GFLOP\/s.*L2 read rate .* GB\/s/);
    expect(lines.join('\n')).not.toMatch(/sgemm peak|% of peak/);
    const header = lines.find((line) => line.startsWith('| config'))!.split(' | ');
    for (const name of names) {
      const row = lines.find((line) => line.startsWith(`| ${name} (`));
      expect(row?.split(' | '), name).toHaveLength(header.length);
    }
  });
});

describe('bench helpers', () => {
  it('flags values outside 1e-5 + 1e-4·|want|, and NaN', () => {
    const want = { output: Float32Array.of(1, 0, -2), hn: Float32Array.of(0.5) };
    expect(compareOutputs({ output: Float32Array.of(1.0001, 0.000009, -2), hn: Float32Array.of(0.5) }, want).ok).toBe(true);
    expect(compareOutputs({ output: Float32Array.of(1.0002, 0, -2), hn: Float32Array.of(0.5) }, want).mismatches).toBe(1);
    expect(compareOutputs({ output: Float32Array.of(1, 0, -2), hn: Float32Array.of(NaN) }, want).ok).toBe(false);
  });

  it('times compared calls in turns, each block of samples between its enter and leave', async () => {
    const events: string[] = [];
    let inside = '';
    const timed = (name: string) => ({
      call: () => { if (inside !== name) throw new Error(`${name} ran outside its enter/leave`); },
      enter: () => { inside = name; events.push(`enter ${name}`); },
      leave: () => { inside = ''; events.push(`leave ${name}`); },
    });
    const policy = { warmupSeconds: 0, budgetSeconds: 0, minSamples: 6, maxSamples: 6, minSampleSeconds: 0 };
    const timings = await timeInRounds([timed('a'), timed('b')], policy, { rounds: 3, settle: async () => { events.push('settle'); } });
    expect(timings.map((t) => t.samples)).toEqual([6, 6]);
    const blocks = events.filter((e) => e.startsWith('enter')).slice(2); // after each call's warm-up
    expect(blocks).toEqual(['enter a', 'enter b', 'enter a', 'enter b', 'enter a', 'enter b']);
    expect(events.filter((e) => e === 'settle')).toHaveLength(8);
  });

  it('selects configs by name and refuses unknown ones', () => {
    expect(selectConfigs(['tiny_call']).map((config) => config.name)).toEqual(['tiny_call']);
    expect(() => selectConfigs(['nope'])).toThrow(/unknown config\(s\) nope/);
  });
});

describe('bench --against', () => {
  const root = path.resolve(__dirname, '..');

  it('sets this checkout against another build, config by config, and checks that they agree', async () => {
    const lines: string[] = [];
    // This checkout's own dist/ stands in for an earlier commit's build.
    await runAgainstBuild({ checkout: root, threads: 2, quick: true, only: ['tiny_call', 'long_b1_h64'], print: (line) => lines.push(line) });
    expect(lines[0]).toBe(`This checkout against the build in ${root}, 2 threads, median per forward call, --quick:`);
    const rows = lines.filter((line) => line.startsWith('| tiny_call') || line.startsWith('| long_b1_h64'));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/^\| \w+ \([\d, ]+\) \| [\d.]+ [µm]s \| [\d.]+ [µm]s \| [\d.]+× \| yes \|$/);
  }, 120_000);

  it('names the checkout and the build command when it has no built library', async () => {
    await expect(runAgainstBuild({ checkout: '/nonexistent-checkout', threads: 1, quick: true, only: ['tiny_call'], print: () => {} }))
      .rejects.toThrow(/--against: cannot load \/nonexistent-checkout\/dist\/index\.js \(build that checkout with npm run build\)/);
  });
});
