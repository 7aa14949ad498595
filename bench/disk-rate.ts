// The disk's own sequential rates in the folder the streaming bench uses, measured in the same run:
// write 1 GiB in 16 MiB blocks and fsync (the clock includes the flush), then read it back with
// dd and O_DIRECT, so the page cache that holds what was just written does not answer.
import { execFileSync } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import * as path from 'node:path';

export interface DiskRate {
  writeMBps: number;
  /** null when O_DIRECT reads are not possible there (tmpfs, some overlay filesystems). */
  readMBps: number | null;
  bytes: number;
}

const BLOCK = 16 * 2 ** 20;
const BLOCKS = 64;

async function timedWrite(file: string): Promise<number> {
  const block = new Uint8Array(BLOCK).map((_, i) => (i * 2654435761) >>> 24); // not zeros: a compressing filesystem would cheat
  const handle = await open(file, 'w');
  const start = performance.now();
  try {
    for (let i = 0; i < BLOCKS; i++) await handle.write(block, 0, BLOCK, i * BLOCK);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return (BLOCK * BLOCKS) / 1e6 / ((performance.now() - start) / 1000);
}

function directRead(file: string): number | null {
  try {
    const start = performance.now();
    execFileSync('dd', [`if=${file}`, 'of=/dev/null', `bs=${BLOCK}`, 'iflag=direct'], { stdio: 'ignore' });
    return (BLOCK * BLOCKS) / 1e6 / ((performance.now() - start) / 1000);
  } catch {
    return null;
  }
}

export async function measureDiskRate(dir: string): Promise<DiskRate> {
  const file = path.join(dir, 'disk-rate.bin');
  try {
    const writeMBps = await timedWrite(file);
    return { writeMBps, readMBps: directRead(file), bytes: BLOCK * BLOCKS };
  } finally {
    await rm(file, { force: true });
  }
}
