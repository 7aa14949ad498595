// Reading the files the package accepts. Each is opened without blocking (opening a FIFO would
// wait for a writer) and refused unless fstat on the opened descriptor says it is a regular file, so
// nothing can swap it between a check and the open; it is then read for exactly the size fstat gave,
// which devices such as /dev/zero (size 0, endless) cannot lie about.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { describe } from '../tensor';

/** The most bytes one file may hold (Node's own limit for reading a whole file). */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

// Windows defines neither flag; there, FIFOs and devices are not reached through file paths.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export interface Source {
  bytes: Uint8Array;
  /** The path, or "<bytes>" when the caller passed bytes. */
  label: string;
  path: string | null;
}

export interface OpenOptions {
  /** Refuse a link as the last component (for a path already resolved, so it cannot be swapped for one). */
  noFollow?: boolean;
}

function flags(options: OpenOptions): number {
  return READ_FLAGS | (options.noFollow ? constants.O_NOFOLLOW ?? 0 : 0);
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'another kind of file';
}

/** The size of a regular file of any size (for readers that take it a part at a time); an Error naming `label` for anything else. */
export function streamedFileSize(stats: Stats, label: string): number {
  if (!stats.isFile()) throw new Error(`${label}: expected a regular file, got ${kindOf(stats)}`);
  return stats.size;
}

/** The size of a regular file; an Error naming `label` for anything else, or a file too large to read. */
export function regularFileSize(stats: Stats, label: string): number {
  streamedFileSize(stats, label);
  if (stats.size > MAX_FILE_BYTES) throw new RangeError(`${label}: the file is ${stats.size} bytes, more than the ${MAX_FILE_BYTES} a file may hold`);
  return stats.size;
}

export function changedWhileRead(label: string, size: number, got: string): Error {
  return new Error(`${label}: the file changed while it was read: fstat gave ${size} bytes, ${got}`);
}

/** Opens `file` for reading without blocking and fstats the descriptor; the caller closes the handle. */
export async function openFile(file: string, options: OpenOptions = {}): Promise<{ handle: FileHandle; stats: Stats }> {
  const handle = await open(file, flags(options));
  try {
    return { handle, stats: await handle.stat() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads exactly `size` bytes from the start of an opened regular file. */
export async function readExactly(handle: FileHandle, size: number, label: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size;) {
    const { bytesRead } = await handle.read(bytes, offset, size - offset, offset);
    if (bytesRead === 0) throw changedWhileRead(label, size, `it ended after ${offset}`);
    offset += bytesRead;
  }
  if ((await handle.read(new Uint8Array(1), 0, 1, size)).bytesRead !== 0) throw changedWhileRead(label, size, 'it has more');
  return bytes;
}

/**
 * Fills `into` from `position` of an opened file whose fstat size was `size`: a file that ends
 * early has changed since it was opened.
 */
export async function readAt(handle: FileHandle, into: Uint8Array, position: number, size: number, label: string): Promise<void> {
  for (let done = 0; done < into.length;) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw changedWhileRead(label, size, `it ended at ${position + done}`);
    done += bytesRead;
  }
}

/** A whole regular file, read asynchronously. */
export async function readRegularFile(file: string, label = file): Promise<Uint8Array> {
  const { handle, stats } = await openFile(file);
  try {
    return await readExactly(handle, regularFileSize(stats, label), label);
  } finally {
    await handle.close();
  }
}

/** readRegularFile for the synchronous readers. */
export function readRegularFileSync(file: string, label = file): Uint8Array {
  const fd = openSync(file, READ_FLAGS);
  try {
    const size = regularFileSize(fstatSync(fd), label);
    const bytes = new Uint8Array(size);
    for (let offset = 0; offset < size;) {
      const bytesRead = readSync(fd, bytes, offset, size - offset, offset);
      if (bytesRead === 0) throw changedWhileRead(label, size, `it ended after ${offset}`);
      offset += bytesRead;
    }
    if (readSync(fd, new Uint8Array(1), 0, 1, size) !== 0) throw changedWhileRead(label, size, 'it has more');
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** A synchronous reader's argument: a path read as a regular file, or bytes used as they are. */
export function readSource(pathOrBytes: unknown, what: string): Source {
  if (pathOrBytes instanceof Uint8Array) return { bytes: pathOrBytes, label: '<bytes>', path: null };
  if (typeof pathOrBytes !== 'string' || pathOrBytes === '') {
    throw new TypeError(`${what}: expected a file path or a Uint8Array, got ${describe(pathOrBytes)}`);
  }
  return { bytes: readRegularFileSync(pathOrBytes), label: pathOrBytes, path: pathOrBytes };
}
