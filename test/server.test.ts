// The example HTTP service (examples/server), on an ephemeral loopback port.
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RNN } from '../lib/index';
import { expectExact } from './support/fixtures';

const { createServer } = createRequire(__filename)('../examples/server/server.js') as {
  createServer: (options: { rnn: RNN; batcher?: boolean; maxBodyBytes?: number }) => { server: Server; close: () => Promise<void> };
};

const rnn = new RNN({ inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 3 });
let service: { server: Server; close: () => Promise<void> };
let base = '';

beforeAll(async () => {
  service = createServer({ rnn, maxBodyBytes: 4096 });
  service.server.listen(0, '127.0.0.1');
  await once(service.server, 'listening');
  base = `http://127.0.0.1:${(service.server.address() as { port: number }).port}`;
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
    const local = createServer({ rnn: new RNN({ inputSize: 3, hiddenSize: 64, seed: 1 }) });
    local.server.listen(0, '127.0.0.1');
    await once(local.server, 'listening');
    const url = `http://127.0.0.1:${(local.server.address() as { port: number }).port}/v1/predict`;
    const input = Array.from({ length: 2000 }, (_, t) => [Math.sin(t), Math.cos(t), 0.5]);
    const pending = fetch(url, { method: 'POST', body: JSON.stringify({ input }), headers: { 'content-type': 'application/json' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await local.close();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { output: number[][] }).output.length).toBe(2000);
    expect(local.server.listening).toBe(false);
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
