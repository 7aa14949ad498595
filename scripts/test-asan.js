#!/usr/bin/env node
// `npm run test:asan`: the addon and the kernel's own tests built with AddressSanitizer and
// UndefinedBehaviorSanitizer (cmake-js, into build-asan/), then
//  - the kernel and ops tests with LeakSanitizer on (they own all their memory: any leak is ours);
//  - the whole vitest suite against the sanitized addon. Node itself is not sanitized, so the ASan
//    runtime is preloaded and leak detection is off there (V8 keeps memory until exit by design).
'use strict';

const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const run = (command, args, env = {}) =>
  execFileSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
const runtime = (name) => execFileSync('gcc', [`-print-file-name=${name}`], { encoding: 'utf8' }).trim();

run(process.execPath, [path.join(__dirname, 'ensure-system-deps.js'), '--cmake']);
run('npx', ['cmake-js', 'rebuild', '--out', 'build-asan', '--CDVRNN_SANITIZE=ON']);
for (const tests of ['kernel_tests', 'ops_tests']) run(path.join(root, 'build-asan', tests), [], { ASAN_OPTIONS: 'detect_leaks=1' });
run('npx', ['vitest', 'run'], {
  LD_PRELOAD: `${runtime('libasan.so')} ${runtime('libubsan.so')}`,
  ASAN_OPTIONS: 'detect_leaks=0',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
  VANILLA_RNN_ADDON: path.join(root, 'build-asan', 'Release', 'vanilla_rnn.node'),
  VANILLA_RNN_SANITIZED: '1',
});
