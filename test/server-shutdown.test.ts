// The example service's shutdown: close() (and SIGTERM in main.js) drains up to a deadline, answers
// what is answered in time, gives a 503 to requests still arriving and closes every connection.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RNN } from '../lib/index';
import { connectRaw, dripFeed, jsonHead, parseResponses, startService, type RawConnection } from './support/example-server';

const DRAIN_TIMEOUT_MS = 300;
const rnn = new RNN({ inputSize: 3, hiddenSize: 5, seed: 3 });
const validBody = JSON.stringify({ input: [[1, 2, 3]] });
const drainError = `server shutting down: the request did not complete within the ${DRAIN_TIMEOUT_MS} ms drain deadline`;
// Request time limits far beyond the drain deadline: only the drain can end these uploads.
const patient = { headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, drainTimeoutMs: DRAIN_TIMEOUT_MS };

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

/**
 * Connections that each send a request head and then a body a byte every 20 ms, never finishing;
 * resolves once each has sent some of its body.
 */
async function dripUploads(port: number, count: number): Promise<RawConnection[]> {
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const head = jsonHead(i % 2 ? { 'Content-Length': 4000 } : { 'Transfer-Encoding': 'chunked' });
    const connection = await connectRaw(port, head);
    const stop = dripFeed(connection, 20, i % 2 ? ' ' : '1\r\n \r\n');
    connection.socket.once('data', stop);
    await until(() => connection.socket.bytesWritten > head.length + 3);
    return connection;
  }));
}

describe('example server close()', () => {
  it('ends at its drain deadline while clients keep request bodies open: each gets a 503, then its connection closes', async () => {
    const service = await startService({ rnn, ...patient });
    const uploads = await dripUploads(service.port, 20);
    await service.close();
    for (const { closed } of uploads) {
      const [response] = parseResponses(await closed);
      expect(response.status).toBe(503);
      expect(response.headers.connection).toBe('close');
      expect((JSON.parse(response.body) as { error: string }).error).toBe(drainError);
    }
    expect(service.server.listening).toBe(false);
  });

  it('answers an upload that completes within the deadline, and closes its connection', async () => {
    const service = await startService({ rnn, ...patient });
    const connection = await connectRaw(service.port, jsonHead({ 'Content-Length': validBody.length }) + validBody.slice(0, 5));
    await once(service.server, 'request');
    const closing = service.close();
    connection.socket.write(validBody.slice(5));
    await closing;
    const [response] = parseResponses(await connection.closed);
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe('close');
    expect((JSON.parse(response.body) as { output: number[][] }).output).toHaveLength(1);
  });

  it('closes idle keep-alive connections at once', async () => {
    const service = await startService({ rnn, ...patient, drainTimeoutMs: 60_000 });
    const connection = await connectRaw(service.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await until(() => connection.received().endsWith('{"status":"ok"}'));
    await service.close();
    const [response] = parseResponses(await connection.closed);
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe('keep-alive');
  });

  it('answers a request whose headers were arriving when it began, and closes its connection', async () => {
    const service = await startService({ rnn, ...patient, drainTimeoutMs: 60_000 });
    const accepted = once(service.server, 'connection') as Promise<[Socket]>;
    const connection = await connectRaw(service.port, 'GET /healthz HTTP/1.1\r\n');
    const [serverSide] = await accepted;
    await until(() => serverSide.bytesRead > 0); // a connection the server has read nothing from is idle
    const closing = service.close();
    connection.socket.write('Host: 127.0.0.1\r\n\r\n');
    await closing;
    const [response] = parseResponses(await connection.closed);
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe('close');
  });

  it('called again while draining, returns the same drain', async () => {
    const service = await startService({ rnn, ...patient });
    const uploads = await dripUploads(service.port, 2);
    const first = service.close();
    expect(service.close()).toBe(first);
    await first;
    for (const { closed } of uploads) expect(parseResponses(await closed)[0].status).toBe(503);
  });
});

describe('example server process', () => {
  async function startProcess(args: string[], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, [`${__dirname}/../examples/server/main.js`, '--port', '0', '--input-size', '3', '--hidden-size', '4', ...args],
      { env: { ...process.env, ...env } });
    let printed = '';
    child.stdout.on('data', (chunk) => { printed += chunk; });
    await until(() => printed.includes('listening on') || child.exitCode !== null);
    return { child, port: Number(printed.match(/:(\d+) /)![1]), printed: () => printed };
  }

  it.each([
    ['--drain-timeout-ms', ['--drain-timeout-ms', String(DRAIN_TIMEOUT_MS)], {}],
    ['DRAIN_TIMEOUT_MS', [], { DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS) }],
  ])('exits 0 on SIGTERM at the drain deadline set by %s while clients keep bodies open', async (_what, args, env) => {
    const { child, port, printed } = await startProcess(args, env);
    expect(printed()).toContain(`drain deadline ${DRAIN_TIMEOUT_MS} ms`);
    const uploads = await dripUploads(port, 10);
    const idle = await connectRaw(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await until(() => idle.received().endsWith('{"status":"ok"}'));
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    for (const { closed } of uploads) {
      expect((JSON.parse(parseResponses(await closed)[0].body) as { error: string }).error).toBe(drainError);
    }
    await idle.closed;
  }, 20_000);

  it('refuses a drain deadline that is not a positive integer, naming it', async () => {
    const child = spawn(process.execPath, [`${__dirname}/../examples/server/main.js`, '--port', '0', '--drain-timeout-ms', '10s']);
    let errors = '';
    child.stderr.on('data', (chunk) => { errors += chunk; });
    const [code] = await once(child, 'exit');
    expect(code).not.toBe(0);
    expect(errors).toContain('--drain-timeout-ms');
    expect(errors).toContain('expected a positive integer, got 10s');
  });
});
