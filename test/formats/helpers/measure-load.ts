// Loads a model file in a child process (the built dist/, as the CLI tests use it) and reports how the
// load ended, its peak RSS and its wall time. The parent watches the child's RSS and kills it past a
// ceiling, so a load that would take gigabytes fails its test instead of taking the machine with it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const MODEL_JS = path.resolve(__dirname, '..', '..', '..', 'dist', 'model.js');
const KILL_ABOVE_MIB = 1024;
const KILL_AFTER_MS = 120_000;

const CHILD = `
const { loadModel } = require(${JSON.stringify(MODEL_JS)});
const started = process.hrtime.bigint();
loadModel(process.argv[1]).then(() => ({ loaded: true }), (e) => ({ loaded: false, type: e.constructor.name, message: e.message }))
  .then((outcome) => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(JSON.stringify({ ...outcome, ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
  });
`;

export interface LoadMeasure {
  loaded: boolean;
  type?: string;
  message?: string;
  ms: number;
  maxRssMiB: number;
}

function rssMiB(pid: number): number {
  try {
    const kb = /VmRSS:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) / 1024 : 0;
  } catch {
    return 0; // no /proc (or the child has gone): the child's own maxRSS still answers
  }
}

export function measureLoad(file: string): Promise<LoadMeasure> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const kill = (why: string) => { killed ||= why; child.kill('SIGKILL'); };
    const watch = setInterval(() => { const rss = rssMiB(child.pid!); if (rss > KILL_ABOVE_MIB) kill(`its RSS passed ${KILL_ABOVE_MIB} MiB (${rss.toFixed(0)} MiB)`); }, 20);
    const timer = setTimeout(() => kill(`it ran past ${KILL_AFTER_MS} ms`), KILL_AFTER_MS);
    child.on('close', (code) => {
      clearInterval(watch);
      clearTimeout(timer);
      if (killed) return reject(new Error(`loading ${file} was stopped: ${killed}`));
      if (code !== 0 || !stdout) return reject(new Error(`loading ${file} exited with ${code}: ${stderr}`));
      resolve(JSON.parse(stdout) as LoadMeasure);
    });
  });
}
