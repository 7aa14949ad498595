// The example HTTP service (examples/server), on an ephemeral loopback port.
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RNN, type Tensor } from '../lib/index';
import { expectExact } from './support/fixtures';
import { startService, type Service } from './support/example-server';

const rnn = new RNN({ inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 3 });
let service: Service;
let base = '';

beforeAll(async () => {
  service = await startService({ rnn, maxBodyBytes: 4096 });
  base = service.base;
});
afterAll(() => service.close());

const post = (body: string | Buffer, type = 'application/json') => fetch(`${base}/v1/predict`, { method: 'POST', body, headers: { 'content-type': type } });

describe('example server', () => {
  it('answers /healthz', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('a JSON predict equals rnn.forward', async () => {
    const input = [[0.1, 0.2, 0.3], [0.4, -0.5, 0.6], [1, 0, -1]];
    const h0 = [[0.1, 0.1, 0.1, 0.1, 0.1], [0, 0, 0, 0, 0.2]];
    const response = await post(JSON.stringify({ input, h0 }));
    expect(response.status).toBe(200);
    const body = await response.json() as { output: number[][]; hn: number[][] };
    const direct = rnn.forward(input, { h0 });
    expectExact(body.output.flat(), direct.output.data, 'output');
    expectExact(body.hn.flat(), direct.hn.data, 'hn');
  });

  it('a binary predict returns float32 rows with their shape', async () => {
    const input = Float32Array.from([0.5, -0.5, 0.25, 1, 2, 3]);
    const response = await post(Buffer.from(input.buffer), 'application/octet-stream');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-output-shape')).toBe('2,5');
    const output = new Float32Array(await response.arrayBuffer());
    expectExact(output, rnn.forward({ data: input, shape: [2, 3] }).output.data, 'output');
  });

  it('rejects bad requests with 4xx and a message', async () => {
    const cases: Array<[Promise<Response>, number, string]> = [
      [post('{not json'), 400, 'invalid JSON body'],
      [post(JSON.stringify({ input: [[1, 2]] })), 400, 'expected shape [T >= 1, 3], got [1, 2]'],
      [post(JSON.stringify({ input: [[1, 2, 3]], h0: [[1]] })), 400, 'h0: expected shape [2, 5], got [1, 1]'],
      [post(Buffer.alloc(10), 'application/octet-stream'), 400, 'binary body: expected a whole number'],
      [post('x', 'text/plain'), 415, 'content-type must be'],
      [post(JSON.stringify({ input: Array.from({ length: 1000 }, () => [1, 2, 3]) })), 413, 'request body over 4096 bytes'],
      [fetch(`${base}/v1/predict`), 405, 'use POST'],
      [fetch(`${base}/nope`), 404, 'no route /nope'],
    ];
    for (const [pending, status, message] of cases) {
      const response = await pending;
      expect(response.status).toBe(status);
      expect((await response.json() as { error: string }).error).toContain(message);
    }
  });

  it('close() finishes the request in flight before it resolves', async () => {
    const local = await startService({ rnn: new RNN({ inputSize: 3, hiddenSize: 64, seed: 1 }) });
    const url = `${local.base}/v1/predict`;
    const input = Array.from({ length: 2000 }, (_, t) => [Math.sin(t), Math.cos(t), 0.5]);
    const pending = fetch(url, { method: 'POST', body: JSON.stringify({ input }), headers: { 'content-type': 'application/json' } });
    await once(local.server, 'request');
    await local.close();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { output: number[][] }).output.length).toBe(2000);
    expect(local.server.listening).toBe(false);
  });
});

describe('example server JSON nesting limit', () => {
  let defaults: Service; // the default body limit, 1 MiB, takes a body nested 200,000 deep
  beforeAll(async () => { defaults = await startService({ rnn }); });
  afterAll(() => defaults.close());
  const nested = (depth: number) => '['.repeat(depth) + '0.5' + ']'.repeat(depth);
  const request = (input: string) => fetch(`${defaults.base}/v1/predict`, { method: 'POST', body: `{"input": ${input}}`, headers: { 'content-type': 'application/json' } });
  const errorOf = async (pending: Promise<Response>) => {
    const response = await pending;
    return [response.status, ((await response.json()) as { error: string }).error] as const;
  };
  const tooDeep = 'invalid JSON body: nested more than 16 levels deep, this server\'s limit (a request needs 3)';

  it('refuses an input nested 200,000 deep with a 400 naming the limit', async () => {
    expect(await errorOf(request(nested(200_000)))).toEqual([400, tooDeep]);
  });

  it('counts objects as well as arrays, and not brackets inside strings', async () => {
    expect(await errorOf(post(`{"input": [[1, 2, 3]], "note": ${'{"a": '.repeat(16)}1${'}'.repeat(16)}}`))).toEqual([400, tooDeep]);
    const response = await post(JSON.stringify({ input: [[1, 2, 3]], note: `[{"\\${'['.repeat(100)}` }));
    expect(response.status).toBe(200);
  });

  it('passes a body nested exactly at the limit to the model, which refuses its shape', async () => {
    const [status, error] = await errorOf(request(nested(15)));
    expect(status).toBe(400);
    expect(error).toBe(`sequence: expected shape [T >= 1, 3], got [${new Array(15).fill(1).join(', ')}]`);
  });

  it('a server allowing deeper bodies gets the library\'s own nesting limit, for the batcher and forwardAsync', async () => {
    for (const batcher of [true, false]) {
      const deep = await startService({ rnn, batcher, maxJsonDepth: 1000 });
      const response = await fetch(`${deep.base}/v1/predict`, { method: 'POST', body: `{"input": ${nested(999)}}`, headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/^(sequence|input): nested arrays more than 64 levels deep/);
      await deep.close();
    }
  });
});

describe('example server non-finite results', () => {
  // ReLU of W * [Inf, -Inf]: +Inf where the weights' signs differ one way, 0 the other way, NaN where they agree.
  const relu = new RNN({ inputSize: 2, hiddenSize: 6, nonlinearity: 'relu', seed: 2 });
  const infinite = [[1e39, -1e39]]; // beyond float32: Infinity, -Infinity
  let reluService: Service;
  beforeAll(async () => { reluService = await startService({ rnn: relu }); });
  afterAll(() => reluService.close());

  const asJson = (tensor: Tensor) => Array.from(tensor.data, (v) => (Number.isFinite(v) ? v : String(v)));

  it('come back as the strings "NaN" and "Infinity" in output and hn, not as null', async () => {
    const direct = relu.forward(infinite);
    const values = [...direct.output.data, ...direct.hn.data];
    expect(values.some(Number.isNaN) && values.includes(Infinity)).toBe(true); // the case is really exercised
    const response = await fetch(`${reluService.base}/v1/predict`, { method: 'POST', body: JSON.stringify({ input: infinite }), headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    const body = await response.json() as { output: unknown[][]; hn: unknown[][] };
    expect(body.output.flat()).toEqual(asJson(direct.output));
    expect(body.hn.flat()).toEqual(asJson(direct.hn));
    expect(body.output.flat().map(Number)).toEqual(Array.from(direct.output.data));
  });

  it('encode -Infinity too', async () => {
    const { jsonRows } = createRequire(__filename)('../examples/server/json-rows.js') as { jsonRows: (t: Tensor) => unknown[][] };
    expect(jsonRows({ data: Float32Array.from([NaN, Infinity, -Infinity, 0.5, -0, 3e38]), shape: [2, 3] }))
      .toEqual([['NaN', 'Infinity', '-Infinity'], [0.5, -0, Math.fround(3e38)]]);
  });

  it('keep their float32 bits in a binary response', async () => {
    const input = Float32Array.from([Infinity, -Infinity, NaN, 1, -Infinity, Infinity]);
    const direct = relu.forward({ data: input, shape: [3, 2] }).output.data;
    expect(direct.some(Number.isNaN) && direct.includes(Infinity)).toBe(true);
    const response = await fetch(`${reluService.base}/v1/predict`, { method: 'POST', body: Buffer.from(input.buffer), headers: { 'content-type': 'application/octet-stream' } });
    expect(response.status).toBe(200);
    expect(new Uint32Array(await response.arrayBuffer())).toEqual(new Uint32Array(direct.buffer, direct.byteOffset, direct.length));
  });
});

describe('example server process', () => {
  it('exits 0 on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [`${__dirname}/../examples/server/main.js`, '--port', '0', '--input-size', '3', '--hidden-size', '4']);
    let printed = '';
    child.stdout.on('data', (chunk) => { printed += chunk; });
    while (!printed.includes('listening on')) await new Promise((resolve) => setTimeout(resolve, 20));
    const port = Number(printed.match(/:(\d+) /)![1]);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 20_000);
});
