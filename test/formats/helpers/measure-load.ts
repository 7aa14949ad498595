// Loads model files in a child process (the built dist/, as the CLI tests use it), one after the other,
// optionally running each loaded model once on inputs of ones of its declared shapes, and reports how
// each ended, with the child's peak RSS and each file's wall time. The parent watches the child's RSS and kills it past a
// ceiling, so a load that would take gigabytes fails its test instead of taking the machine with it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const MODEL_JS = path.resolve(__dirname, '..', '..', '..', 'dist', 'model.js');
/**
 * Under the sanitizers RSS counts ASan's shadow memory and quarantine, not the package's: the loads still
 * run and their outcomes are checked, but memory bounds are not (the plain builds check them).
 */
export const RSS_BOUNDS_APPLY = process.env.VANILLA_RNN_SANITIZED !== '1';
const KILL_ABOVE_MIB = RSS_BOUNDS_APPLY ? 1024 : 16384;
const KILL_AFTER_MS = 120_000;

const CHILD = `
const { loadModel } = require(${JSON.stringify(MODEL_JS)});
const [run, ...files] = process.argv.slice(1);
const failure = (e) => ({ type: e.constructor.name, message: e.message });
function feeds(model) {
  return Object.fromEntries(Object.entries(model.inputShapes).map(([name, shape]) => {
    const dims = (shape || [1]).map((d) => (typeof d === 'number' ? d : 1));
    return [name, { data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(1), shape: dims }];
  }));
}
(async () => {
  const outcomes = [];
  for (const file of files) {
    process.stderr.write('loading ' + file + '\\n');
    const started = process.hrtime.bigint();
    let outcome;
    try {
      const model = await loadModel(file);
      outcome = { loaded: true };
      if (run === 'run') { try { model.runSync(feeds(model)); outcome.ran = true; } catch (e) { outcome.ran = false; outcome.run = failure(e); } }
    } catch (e) {
      outcome = { loaded: false, ...failure(e) };
    }
    outcomes.push({ ...outcome, ms: Number(process.hrtime.bigint() - started) / 1e6 });
  }
  process.stdout.write(JSON.stringify({ outcomes, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
})();
`;

export interface Failure {
  type: string;
  message: string;
}

export interface LoadOutcome extends Partial<Failure> {
  loaded: boolean;
  /** With `run`: whether the loaded model ran, and how it failed. */
  ran?: boolean;
  run?: Failure;
  ms: number;
}

export interface LoadMeasure extends LoadOutcome {
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

export async function measureLoad(file: string): Promise<LoadMeasure> {
  const { outcomes, maxRssMiB } = await measureLoads([file], false);
  return { ...outcomes[0], maxRssMiB };
}

export function measureLoads(files: string[], run: boolean): Promise<{ outcomes: LoadOutcome[]; maxRssMiB: number }> {
  const what = files.length === 1 ? files[0] : `${files.length} files`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, run ? 'run' : 'load', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
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
      const current = stderr.trim().split('\n').pop()?.replace(/^loading /, '') ?? what;
      if (killed) return reject(new Error(`loading ${current} was stopped: ${killed}`));
      if (code !== 0 || !stdout) return reject(new Error(`loading ${what} exited with ${code}: ${stderr}`));
      resolve(JSON.parse(stdout));
    });
  });
}
