// A busy neighbour: another process spinning on one core for as long as it runs, as a co-tenant
// of a shared server would, so the bench can show what more threads do when a core is taken.
import { type ChildProcess, spawn } from 'node:child_process';

export interface BusyNeighbour {
  stop(): Promise<void>;
}

/** Starts the spinning process; resolves once it spins. */
export function startBusyNeighbour(): Promise<BusyNeighbour> {
  const child: ChildProcess = spawn(process.execPath, ['-e', 'process.stdout.write("spinning\\n"); for (;;) {}'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', () => resolve({
      stop: async () => {
        child.kill('SIGKILL');
        await exited;
      },
    }));
  });
}
