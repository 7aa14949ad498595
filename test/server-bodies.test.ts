// The example service against request bodies that are too large, short, slow or never finish, and
// headers that never finish: each gets its 4xx with a message, and its connection is closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RNN } from '../lib/index';
import { connectRaw, dripFeed, jsonHead, parseResponses, startService, type Service } from './support/example-server';

const LIMIT = 4096;
const HEADERS_TIMEOUT_MS = 200;
const REQUEST_TIMEOUT_MS = 400;
const rnn = new RNN({ inputSize: 3, hiddenSize: 5, seed: 3 });
let service: Service;

beforeAll(async () => {
  service = await startService({ rnn, maxBodyBytes: LIMIT, headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
});
afterAll(() => service.close());

const timeoutError = `request timeout: the headers must arrive within ${HEADERS_TIMEOUT_MS} ms and the whole request within ${REQUEST_TIMEOUT_MS} ms`;
const tooLarge = `request body over ${LIMIT} bytes`;
const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
const validBody = JSON.stringify({ input: [[1, 2, 3]] });

/** The one response a raw connection got before the server closed it. */
async function onlyResponse(closed: Promise<string>) {
  const responses = parseResponses(await closed);
  expect(responses).toHaveLength(1);
  const [{ status, headers, body }] = responses;
  return { status, connection: headers.connection, error: (JSON.parse(body) as { error?: string }).error };
}

describe('example server request bodies over the limit', () => {
  it('a chunked body over the limit gets the 413, not a reset', async () => {
    const bytes = new TextEncoder().encode(`{"input": [${'[1, 2, 3], '.repeat(1000)}[1, 2, 3]]}`);
    const body = new ReadableStream({ start(controller) { controller.enqueue(bytes); controller.close(); } });
    const response = await fetch(`${service.base}/v1/predict`, { method: 'POST', body, duplex: 'half', headers: { 'content-type': 'application/json' } } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe(tooLarge);
  });

  it('a chunked body over the limit from a client that then waits: the 413 comes at once, then the connection closes', async () => {
    const { closed } = await connectRaw(service.port, jsonHead({ 'Transfer-Encoding': 'chunked' }) + chunk('x'.repeat(LIMIT + 1)));
    expect(await onlyResponse(closed)).toEqual({ status: 413, connection: 'close', error: tooLarge });
  });

  it('a Content-Length over the limit gets the 413 before the body is read, and the connection closes', async () => {
    const { closed, socket } = await connectRaw(service.port, jsonHead({ 'Content-Length': LIMIT + 1 }) + 'x'.repeat(100));
    expect(await onlyResponse(closed)).toEqual({ status: 413, connection: 'close', error: tooLarge });
    expect(socket.bytesWritten).toBeLessThan(LIMIT);
  });

  it('with Expect: 100-continue a Content-Length over the limit is refused without asking for the body', async () => {
    const { closed } = await connectRaw(service.port, jsonHead({ 'Content-Length': LIMIT + 1, Expect: '100-continue' }));
    const text = await closed;
    expect(text).not.toContain('100 Continue');
    expect(await onlyResponse(Promise.resolve(text))).toEqual({ status: 413, connection: 'close', error: tooLarge });
  });

  it('with Expect: 100-continue a body within the limit is asked for, then answered', async () => {
    const connection = await connectRaw(service.port, jsonHead({ 'Content-Length': validBody.length, Expect: '100-continue', Connection: 'close' }));
    while (!connection.received().includes('\r\n\r\n')) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(connection.received()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    connection.socket.write(validBody);
    const [, response] = parseResponses(await connection.closed);
    expect(response.status).toBe(200);
    expect((JSON.parse(response.body) as { output: number[][] }).output).toHaveLength(1);
  });
});

describe('example server requests that do not arrive in time', () => {
  it.each([
    ['a body shorter than its Content-Length', jsonHead({ 'Content-Length': 100 }) + '{"input": [[1, 2'],
    ['a chunked body without its last chunk', jsonHead({ 'Transfer-Encoding': 'chunked' }) + chunk('{"input": [[1, 2')],
    ['headers without their end', 'POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'],
    ['nothing but a connection', ''],
  ])('%s gets a 408 naming the time limits, then the connection closes', async (_what, bytes) => {
    const { closed } = await connectRaw(service.port, bytes);
    expect(await onlyResponse(closed)).toEqual({ status: 408, connection: 'close', error: timeoutError });
  });

  it.each([
    ['a drip-fed body', jsonHead({ 'Content-Length': LIMIT }), ' '],
    ['a drip-fed chunked body', jsonHead({ 'Transfer-Encoding': 'chunked' }), chunk(' ')],
    ['drip-fed headers', 'POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X'],
  ])('%s gets a 408 once the whole request has taken too long, though bytes keep coming', async (_what, head, drip) => {
    const connection = await connectRaw(service.port, head);
    const stop = dripFeed(connection, 20, drip);
    connection.socket.once('data', stop);
    expect(await onlyResponse(connection.closed)).toEqual({ status: 408, connection: 'close', error: timeoutError });
  });

  it('the service still answers after all of these', async () => {
    const response = await fetch(`${service.base}/v1/predict`, { method: 'POST', body: validBody, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
  });
});
