// Files that are not regular files, for the tests of what the package opens: FIFOs, links to devices
// and directories. A reader that blocks on a FIFO (the bug these tests look for) is released by a
// helper process that opens every FIFO under a folder for writing and closes it again, so a test of
// such a reader fails instead of hanging the test run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';

/** FIFOs and device links need a Unix system (mkfifo, /dev/zero). */
export const UNIX = process.platform !== 'win32';

export function makeFifo(file: string): string {
  const made = spawnSync('mkfifo', [file], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`test helper: mkfifo ${file} failed: ${made.stderr || made.error?.message}`);
  return file;
}

export function link(target: string, at: string): string {
  mkdirSync(path.dirname(at), { recursive: true });
  symlinkSync(target, at);
  return at;
}

// Polls `root` for FIFOs; opening one for writing without blocking succeeds only while a reader has it
// open, and closing it at once gives that reader end-of-file. Exits when its parent does.
const RELEASER = `
const fs = require('node:fs');
const path = require('node:path');
const [root, parent] = [process.argv[1], Number(process.argv[2])];
function fifos(dir, out) {
  let entries = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const file = path.join(dir, e.name);
    if (e.isFIFO()) out.push(file);
    else if (e.isDirectory()) fifos(file, out);
  }
  return out;
}
setInterval(() => {
  try { process.kill(parent, 0); } catch { process.exit(0); }
  for (const fifo of fifos(root, [])) {
    try { fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)); } catch {}
  }
}, 20);
`;

export class FifoReleaser {
  private readonly child: ChildProcess;

  constructor(root: string) {
    this.child = spawn(process.execPath, ['-e', RELEASER, root, String(process.pid)], { stdio: 'ignore' });
  }

  stop(): void {
    this.child.kill();
  }
}
