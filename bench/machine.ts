// The machine a report was measured on, for the README's table.
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';

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
}

function openblasVersion(): string | null {
  try {
    return execFileSync('pkg-config', ['--modversion', 'openblas'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
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
  };
}
