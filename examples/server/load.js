#!/usr/bin/env node
// Load test of the example service, against 127.0.0.1 only, bounded in time: starts the server on
// an ephemeral port, runs autocannon with and without the batcher, prints requests/s and latency.
// node examples/server/load.js [--seconds 10] [--connections 64]
'use strict';

const os = require('node:os');
const { execFile } = require('node:child_process');
const { RNN } = require('vanilla-rnn');
const { createServer } = require('./server');

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const SECONDS = argument('seconds', 10);
const CONNECTIONS = argument('connections', 64);
const T = 100;
const D = 64;
const H = 256;

// autocannon runs in its own process so that load generation does not share the server's event loop.
function runAutocannon(port, body) {
  const script = `const autocannon = require(${JSON.stringify(require.resolve('autocannon'))});
    autocannon({ url: 'http://127.0.0.1:${port}/v1/predict', method: 'POST', body: Buffer.from(process.argv[1], 'base64'),
      headers: { 'content-type': 'application/octet-stream' }, connections: ${CONNECTIONS}, duration: ${SECONDS} },
      (error, result) => { if (error) throw error; process.stdout.write(JSON.stringify(result)); });`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script, body.toString('base64')], { maxBuffer: 1 << 24, timeout: (SECONDS + 30) * 1000 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))));
  });
}

async function measure(useBatcher) {
  const rnn = new RNN({ inputSize: D, hiddenSize: H, seed: 1 });
  const { server, close } = createServer({ rnn, batcher: useBatcher });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A binary float32 body: the JSON work of a large body would otherwise dominate the main thread.
  const body = Buffer.from(Float32Array.from({ length: T * D }, (_, i) => Math.sin(i)).buffer);
  const result = await runAutocannon(server.address().port, body);
  await close();
  return result;
}

(async () => {
  console.log(`${os.cpus()[0].model.trim()}, ${os.cpus().length} logical CPUs, Node ${process.version}; `
    + `POST /v1/predict binary float32 [T=${T}, D=${D}] -> H=${H}, ${CONNECTIONS} connections, ${SECONDS} s each\n`);
  console.log('| mode | requests/s | p50 latency | p99 latency | errors |');
  console.log('|---|---:|---:|---:|---:|');
  for (const useBatcher of [true, false]) {
    const r = await measure(useBatcher);
    console.log(`| ${useBatcher ? 'batcher' : 'forwardAsync per request'} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} ms | ${r.latency.p99} ms | ${r.errors + r.non2xx} |`);
  }
})();
