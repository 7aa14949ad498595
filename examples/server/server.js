// A small prediction service over vanilla-rnn on node:http.
//   POST /v1/predict  JSON {"input": [[...D], ...T], "h0"?: [[...H], ...L*nd]} -> {"output", "hn"}
//                     or application/octet-stream: little-endian float32 [T, D] -> float32 [T, nd*H]
//                     (shape in the X-Output-Shape header)
//   GET  /healthz     {"status": "ok"}
// Requests go through the dynamic batcher unless `batcher: false`.
'use strict';

const http = require('node:http');
const { createBatcher } = require('vanilla-rnn');

const JSON_TYPE = 'application/json';
const BINARY_TYPE = 'application/octet-stream';

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function readBody(request, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (declared > limit) return reject(new HttpError(413, `request body over ${limit} bytes`));
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `request body over ${limit} bytes`));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function rows(tensor) {
  const width = tensor.shape[tensor.shape.length - 1];
  return Array.from({ length: tensor.data.length / width }, (_, r) => Array.from(tensor.data.subarray(r * width, (r + 1) * width)));
}

function parseJson(body) {
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || !('input' in parsed)) throw new Error('expected an object with "input"');
    return parsed;
  } catch (error) {
    throw new HttpError(400, `invalid JSON body: ${error.message}`);
  }
}

function binaryInput(body, inputSize) {
  const rowBytes = inputSize * 4;
  if (body.length === 0 || body.length % rowBytes !== 0) {
    throw new HttpError(400, `binary body: expected a whole number (>= 1) of rows of ${inputSize} float32 (${rowBytes} bytes), got ${body.length} bytes`);
  }
  const data = new Float32Array(body.length / 4);
  Buffer.from(data.buffer).set(body); // copy: the Buffer may not be 4-byte aligned
  return { data, shape: [body.length / rowBytes, inputSize] };
}

function send(response, status, body, headers = {}) {
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  response.writeHead(status, { 'content-type': Buffer.isBuffer(body) ? BINARY_TYPE : JSON_TYPE, 'content-length': payload.length, ...headers });
  response.end(payload);
}

function createServer({ rnn, batcher: useBatcher = true, maxBodyBytes = 1 << 20, maxBatchSize = 64, maxDelayMs = 2 }) {
  const batcher = useBatcher ? createBatcher(rnn, { maxBatchSize, maxDelayMs }) : null;
  const predict = (input, h0) => (batcher ? batcher.run(input, { h0 }) : rnn.forwardAsync(input, { h0 }));
  const inFlight = new Set();

  async function handlePredict(request, response) {
    const type = (request.headers['content-type'] || '').split(';')[0].trim();
    if (type !== JSON_TYPE && type !== BINARY_TYPE) throw new HttpError(415, `content-type must be ${JSON_TYPE} or ${BINARY_TYPE}`);
    const body = await readBody(request, maxBodyBytes);
    if (type === BINARY_TYPE) {
      const { output } = await predict(binaryInput(body, rnn.config.inputSize));
      return send(response, 200, Buffer.from(output.data.buffer, output.data.byteOffset, output.data.byteLength), { 'x-output-shape': output.shape.join(',') });
    }
    const { input, h0 } = parseJson(body);
    const { output, hn } = await predict(input, h0 ?? null);
    send(response, 200, { output: rows(output), hn: rows(hn) });
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

  const server = http.createServer((request, response) => {
    const work = route(request, response).catch((error) => {
      // The model's own TypeErrors and RangeErrors describe bad input: a 400 with their message.
      const status = error instanceof HttpError ? error.status : error instanceof TypeError || error instanceof RangeError ? 400 : 500;
      if (!response.headersSent) send(response, status, { error: error.message });
    });
    inFlight.add(work);
    work.finally(() => inFlight.delete(work));
  });

  // Stops accepting connections, finishes the requests in flight, then drains the batcher.
  async function close() {
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    await Promise.all(inFlight);
    if (batcher) await batcher.close();
    server.closeIdleConnections(); // keep-alive connections whose last request just finished
    await closed;
  }

  return { server, close };
}

module.exports = { createServer };
