// The example HTTP service (examples/server) on an ephemeral loopback port, and a raw TCP client for
// requests no HTTP client will send: short bodies, unfinished chunked bodies, drip-fed uploads.
import { once } from 'node:events';
import { createRequire } from 'node:module';
import net from 'node:net';
import type { Server } from 'node:http';
import type { RNN } from '../../lib/index';

export interface ServiceOptions {
  rnn: RNN;
  batcher?: boolean;
  maxBodyBytes?: number;
  maxJsonDepth?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  drainTimeoutMs?: number;
}

export interface Service {
  server: Server;
  close: () => Promise<void>;
  port: number;
  base: string;
}

const serverModule = createRequire(__filename)('../../examples/server/server.js') as {
  createServer: (options: ServiceOptions) => { server: Server; close: () => Promise<void> };
};

export const createServer = serverModule.createServer;

export async function startService(options: ServiceOptions): Promise<Service> {
  const service = createServer(options);
  service.server.listen(0, '127.0.0.1');
  await once(service.server, 'listening');
  const { port } = service.server.address() as net.AddressInfo;
  return { ...service, port, base: `http://127.0.0.1:${port}` };
}

/** A raw connection: what it received so far, and a promise of everything once the server closes it. */
export interface RawConnection {
  socket: net.Socket;
  received: () => string;
  closed: Promise<string>;
}

export async function connectRaw(port: number, firstBytes = ''): Promise<RawConnection> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => { text += chunk; });
  // A reset after the response is read is the server closing on a client that was still writing.
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(text)));
  if (firstBytes) socket.write(firstBytes);
  return { socket, received: () => text, closed };
}

/** Writes one byte of a body every intervalMs until the connection closes or stop() is called. */
export function dripFeed(connection: RawConnection, intervalMs: number, byte = ' '): () => void {
  const timer = setInterval(() => {
    if (!connection.socket.destroyed && connection.socket.writable) connection.socket.write(byte);
  }, intervalMs);
  connection.socket.on('close', () => clearInterval(timer));
  return () => clearInterval(timer);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The HTTP/1.1 responses in a raw byte stream (bodies with Content-Length, as the service sends). */
export function parseResponses(text: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) throw new Error(`an unfinished response head: ${JSON.stringify(rest)}`);
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return responses;
}

export const jsonHead = (headers: Record<string, string | number> = {}) => 'POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\n'
  + 'Content-Type: application/json\r\n'
  + Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  + '\r\n';
