#!/usr/bin/env node
// Starts the example service: node examples/server/main.js [--port 8080] [--host 127.0.0.1]
//   [--state-dict weights.json] [--input-size 64] [--hidden-size 128] [--no-batcher]
//   [--max-body-bytes n] [--max-json-depth n] [--headers-timeout-ms n] [--request-timeout-ms n]
//   [--drain-timeout-ms n (or DRAIN_TIMEOUT_MS)]
// SIGTERM or SIGINT stops accepting, answers the requests in flight until the drain deadline, gives
// the rest a 503, and exits 0; a second signal exits at once.
'use strict';

const fs = require('node:fs');
const { Command, InvalidArgumentError, Option } = require('commander');
const { RNN } = require('vanilla-rnn');
const { createServer, DEFAULTS } = require('./server');

const positiveInteger = (text) => {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(`expected a positive integer, got ${text}`);
  return value;
};
const limit = (flag, description, name) => new Option(`${flag} <n>`, description).argParser(positiveInteger).default(DEFAULTS[name]);

const options = new Command('server')
  .option('--port <n>', 'port (0: any free one)', '8080')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--input-size <n>', 'input features D', '64')
  .option('--hidden-size <n>', 'hidden units H', '128')
  .option('--state-dict <file>', 'PyTorch state_dict as JSON (name -> nested arrays)')
  .option('--no-batcher', 'one forwardAsync per request')
  .addOption(limit('--max-body-bytes', 'largest request body (413 over it)', 'maxBodyBytes'))
  .addOption(limit('--max-json-depth', 'deepest nesting of a JSON body (400 over it)', 'maxJsonDepth'))
  .addOption(limit('--headers-timeout-ms', 'time for a request\'s headers to arrive (408 after it)', 'headersTimeoutMs'))
  .addOption(limit('--request-timeout-ms', 'time for a whole request, body included, to arrive (408 after it)', 'requestTimeoutMs'))
  .addOption(limit('--drain-timeout-ms', 'on SIGTERM, how long requests in flight have to be answered', 'drainTimeoutMs').env('DRAIN_TIMEOUT_MS'))
  .parse()
  .opts();

const rnn = new RNN({ inputSize: Number(options.inputSize), hiddenSize: Number(options.hiddenSize), seed: 1 });
if (options.stateDict) rnn.loadStateDict(JSON.parse(fs.readFileSync(options.stateDict, 'utf8')));
const { server, close } = createServer({
  rnn,
  batcher: options.batcher,
  maxBodyBytes: options.maxBodyBytes,
  maxJsonDepth: options.maxJsonDepth,
  headersTimeoutMs: options.headersTimeoutMs,
  requestTimeoutMs: options.requestTimeoutMs,
  drainTimeoutMs: options.drainTimeoutMs,
});
server.listen(Number(options.port), options.host, () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port} (${options.batcher ? 'batcher' : 'no batcher'}, drain deadline ${options.drainTimeoutMs} ms)`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    close().then(() => process.exit(0), (error) => {
      console.error(error);
      process.exit(1);
    });
  });
}
