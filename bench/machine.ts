// The machine a report was measured on, for the README's table.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface MachineInfo {
  cpuModel: string;
  logicalCpus: number;
  platform: string;
  arch: string;
  node: string;
  /** The OpenBLAS the addon was built against (pkg-config's view), when known. */
  openblas: string | null;
  onnxruntime: string | null;
  /** OpenBLAS's kernel choice forced through the environment (it changes the projection's speed). */
  openblasCoretype: string | null;
  /** The 1, 5 and 15 minute load averages as the run started (others' work on a shared machine). */
  loadAverage: number[] | null;
  /** One core's L1 data cache, from Linux's sysfs; null elsewhere. */
  l1DataBytes: number | null;
}

function openblasVersion(): string | null {
  try {
    return execFileSync('pkg-config', ['--modversion', 'openblas'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

function l1DataBytes(): number | null {
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  try {
    for (const index of fs.readdirSync(dir).filter((name) => name.startsWith('index'))) {
      const read = (field: string) => fs.readFileSync(path.join(dir, index, field), 'utf8').trim();
      if (read('level') !== '1' || read('type') !== 'Data') continue;
      const size = /^(\d+)K$/.exec(read('size'));
      return size ? Number(size[1]) * 1024 : null;
    }
  } catch {
    // not Linux, or no cache description
  }
  return null;
}

export function describeMachine(onnxruntime: string | null): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    logicalCpus: cpus.length,
    platform: os.platform(),
    arch: os.arch(),
    node: process.version,
    openblas: openblasVersion(),
    onnxruntime,
    openblasCoretype: process.env.OPENBLAS_CORETYPE || null,
    loadAverage: os.platform() === 'win32' ? null : os.loadavg(),
    l1DataBytes: l1DataBytes(),
  };
}
