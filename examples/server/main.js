#!/usr/bin/env node
// Starts the example service: node examples/server/main.js [--port 8080] [--host 127.0.0.1]
//   [--state-dict weights.json] [--input-size 64] [--hidden-size 128] [--no-batcher]
// SIGTERM or SIGINT stops accepting, finishes in-flight requests and exits 0.
'use strict';

const fs = require('node:fs');
const { Command } = require('commander');
const { RNN } = require('vanilla-rnn');
const { createServer } = require('./server');

const options = new Command('server')
  .option('--port <n>', 'port (0: any free one)', '8080')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--input-size <n>', 'input features D', '64')
  .option('--hidden-size <n>', 'hidden units H', '128')
  .option('--state-dict <file>', 'PyTorch state_dict as JSON (name -> nested arrays)')
  .option('--no-batcher', 'one forwardAsync per request')
  .parse()
  .opts();

const rnn = new RNN({ inputSize: Number(options.inputSize), hiddenSize: Number(options.hiddenSize), seed: 1 });
if (options.stateDict) rnn.loadStateDict(JSON.parse(fs.readFileSync(options.stateDict, 'utf8')));
const { server, close } = createServer({ rnn, batcher: options.batcher });
server.listen(Number(options.port), options.host, () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port} (${options.batcher ? 'batcher' : 'no batcher'})`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    close().then(() => process.exit(0));
  });
}
