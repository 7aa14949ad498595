// Where the queue lives: a redis:// or rediss:// URL, or BullMQ's connection options.
import type { ConnectionOptions } from 'bullmq';
import { describe } from '../tensor';

export type QueueConnection = string | ConnectionOptions;

export function connectionOptions(connection: unknown, what: string): ConnectionOptions {
  if (typeof connection === 'string') {
    let url: URL;
    try {
      url = new URL(connection);
    } catch {
      throw new TypeError(`${what}: expected a redis:// or rediss:// URL, got '${connection}'`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new TypeError(`${what}: expected a redis:// or rediss:// URL, got '${connection}'`);
    return { url: connection };
  }
  if (typeof connection !== 'object' || connection === null || Array.isArray(connection)) {
    throw new TypeError(`${what}: expected a redis:// URL or BullMQ connection options, got ${describe(connection)}`);
  }
  return connection as ConnectionOptions;
}

export function queueName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '' || value.includes(':')) throw new TypeError(`${what}: expected a queue name without ':', got ${typeof value === 'string' ? `'${value}'` : describe(value)}`);
  return value;
}
