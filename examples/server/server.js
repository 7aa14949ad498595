// A small prediction service over vanilla-rnn on node:http.
//   POST /v1/predict  JSON {"input": [[...D], ...T], "h0"?: [[...H], ...L*nd]} -> {"output", "hn"}
//                     (NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity")
//                     or application/octet-stream: little-endian float32 [T, D] -> float32 [T, nd*H]
//                     (shape in the X-Output-Shape header)
//   GET  /healthz     {"status": "ok"}
// Requests go through the dynamic batcher unless `batcher: false`. Errors are JSON {"error": message}.
'use strict';

const { createBatcher } = require('vanilla-rnn');
const { createLimitedServer } = require('./connections');
const { jsonRows } = require('./json-rows');
const { HttpError, checkDeclaredLength, readBody, parseJsonBody, binaryInput } = require('./request-body');

const JSON_TYPE = 'application/json';
const BINARY_TYPE = 'application/octet-stream';

const DEFAULTS = {
  maxBodyBytes: 1 << 20,
  maxJsonDepth: 16,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  drainTimeoutMs: 10_000,
};

function checkLimits(options) {
  const limits = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS)) {
    const value = options[name] ?? DEFAULTS[name];
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name}: expected a positive integer, got ${value}`);
    limits[name] = value;
  }
  // Node measures both from the request's first byte.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new RangeError(`headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed requestTimeoutMs (${limits.requestTimeoutMs})`);
  }
  return limits;
}

function createServer({ rnn, batcher: useBatcher = true, maxBatchSize = 64, maxDelayMs = 2, ...options }) {
  const limits = checkLimits(options);
  const batcher = useBatcher ? createBatcher(rnn, { maxBatchSize, maxDelayMs }) : null;
  const predict = (input, h0) => (batcher ? batcher.run(input, { h0 }) : rnn.forwardAsync(input, { h0 }));
  const inFlight = new Set();

  // A response already sent (the connection timed out, or the drain deadline passed) is not sent again.
  function send(response, status, body, headers = {}) {
    if (response.headersSent || response.destroyed) return;
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const closing = connections.isDraining() ? { connection: 'close' } : {};
    response.writeHead(status, { 'content-type': Buffer.isBuffer(body) ? BINARY_TYPE : JSON_TYPE, 'content-length': payload.length, ...closing, ...headers });
    response.end(payload);
  }
  const answer = (response, status, message, { closeConnection = false } = {}) => {
    send(response, status, { error: message }, closeConnection ? { connection: 'close' } : {});
  };

  async function handlePredict(request, response) {
    const type = (request.headers['content-type'] || '').split(';')[0].trim();
    if (type !== JSON_TYPE && type !== BINARY_TYPE) throw new HttpError(415, `content-type must be ${JSON_TYPE} or ${BINARY_TYPE}`);
    checkDeclaredLength(request, limits.maxBodyBytes);
    if (/(?:^|\W)100-continue(?:$|\W)/i.test(request.headers.expect ?? '')) response.writeContinue(); // as Node tests it for checkContinue
    const body = await readBody(request, response, limits.maxBodyBytes);
    if (response.headersSent) return; // answered while the body arrived: nothing to compute for
    if (type === BINARY_TYPE) {
      const { output } = await predict(binaryInput(body, rnn.config.inputSize));
      return send(response, 200, Buffer.from(output.data.buffer, output.data.byteOffset, output.data.byteLength), { 'x-output-shape': output.shape.join(',') });
    }
    const { input, h0 } = parseJsonBody(body, limits.maxJsonDepth);
    const { output, hn } = await predict(input, h0 ?? null);
    send(response, 200, { output: jsonRows(output), hn: jsonRows(hn) });
  }

  async function route(request, response) {
    const { pathname } = new URL(request.url, 'http://localhost');
    if (pathname === '/healthz') {
      if (request.method !== 'GET') throw new HttpError(405, 'use GET');
      return send(response, 200, { status: 'ok' });
    }
    if (pathname === '/v1/predict') {
      if (request.method !== 'POST') throw new HttpError(405, 'use POST');
      return handlePredict(request, response);
    }
    throw new HttpError(404, `no route ${pathname}`);
  }

  function handle(request, response) {
    const work = route(request, response).catch((error) => {
      // The model's own TypeErrors and RangeErrors describe bad input: a 400 with their message.
      const status = error instanceof HttpError ? error.status : error instanceof TypeError || error instanceof RangeError ? 400 : 500;
      answer(response, status, error.message, { closeConnection: error.closeConnection === true });
    });
    inFlight.add(work);
    work.finally(() => inFlight.delete(work));
  }

  const connections = createLimitedServer(handle, { ...limits, answer });

  let closed = null;
  // Drains the connections (up to drainTimeoutMs), lets the computations already started finish
  // (their inputs are bounded by maxBodyBytes), then drains the batcher.
  function close() {
    closed ??= (async () => {
      await connections.drain(limits.drainTimeoutMs);
      await Promise.all(inFlight);
      if (batcher) await batcher.close();
    })();
    return closed;
  }

  return { server: connections.server, close };
}

module.exports = { createServer, DEFAULTS };
