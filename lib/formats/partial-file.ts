// A file written under a temporary name beside its target and renamed over it only once it is
// whole and flushed to disk. A failure or an abort removes the temporary file; a crash leaves at
// worst a `.NAME.partial-PID-XXXXXX` file, never a file under the target's name that is not
// complete. A target that existed before is replaced only by a complete file.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';

/** The most bytes one write moves (Node refuses 2 GiB and more in one call). */
const MAX_WRITE_BYTES = 64 * 2 ** 20;
/**
 * Bytes written between flushes. Linux starts writing dirty pages back only past a tenth of memory
 * (or after 30 s): without flushes a run's output sat in the page cache and the disk wrote it alone
 * during the final flush, after the last part was computed. Flushing as it goes keeps the disk busy
 * while the cores compute, and holds the writer to the disk's pace.
 */
const FLUSH_BYTES = 64 * 2 ** 20;

/** What the temporary files are called: `.y.npy.partial-1234-a1b2c3` for y.npy. */
export const PARTIAL_FILE_PATTERN = /^\..+\.partial-\d+-[0-9a-f]{6}$/;

function partialPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}-${randomBytes(3).toString('hex')}`);
}

export class PartialFile {
  private state: 'open' | 'finished' | 'committed' | 'aborted' = 'open';
  private bytesWritten = 0;
  private unflushed = 0;
  private flushing: Promise<void> | null = null;

  private constructor(private readonly handle: FileHandle, readonly target: string, readonly path: string) {}

  /** Creates the temporary file (never an existing one) in the target's folder. */
  static async create(target: string): Promise<PartialFile> {
    const partial = partialPathFor(target);
    return new PartialFile(await open(partial, 'wx'), target, partial);
  }

  /** Writes all of `bytes` at `position`. */
  async writeAt(bytes: Uint8Array, position: number): Promise<void> {
    this.checkOpen();
    for (let done = 0; done < bytes.length;) {
      const length = Math.min(MAX_WRITE_BYTES, bytes.length - done);
      const { bytesWritten } = await this.handle.write(bytes, done, length, position + done);
      done += bytesWritten;
      this.bytesWritten += bytesWritten;
      this.unflushed += bytesWritten;
    }
    if (this.unflushed >= FLUSH_BYTES) await this.flush();
  }

  /** One flush at a time, shared by the writes that reach the threshold together. */
  private flush(): Promise<void> {
    this.unflushed = 0;
    this.flushing ??= this.handle.datasync().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  /** How many bytes the writes have put in the file so far (overlapping writes count twice). */
  get written(): number {
    return this.bytesWritten;
  }

  /** Flushes the file, checks its size, and renames it to the target. */
  async commit(expectedSize: number): Promise<void> {
    await this.finish(expectedSize);
    await this.publish();
  }

  /** The first half of commit: flushes the file to disk, checks its size and closes it. */
  async finish(expectedSize: number): Promise<void> {
    this.checkOpen();
    try {
      await this.handle.datasync();
      const { size } = await this.handle.stat();
      if (size !== expectedSize) throw new Error(`${this.target}: the file written is ${size} bytes, ${expectedSize} were expected`);
      await this.handle.close();
      this.state = 'finished';
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /** The second half of commit: renames the finished file to its target. */
  async publish(): Promise<void> {
    if (this.state !== 'finished') throw new Error(`${this.target}: the file is not finished`);
    try {
      await rename(this.path, this.target);
      this.state = 'committed';
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /** Closes and removes the temporary file; never throws. Resolves to its path when there was one to remove. */
  async abort(): Promise<string | null> {
    if (this.state === 'aborted' || this.state === 'committed') return null;
    const wasOpen = this.state === 'open';
    this.state = 'aborted';
    if (wasOpen) await this.handle.close().catch(() => {});
    try {
      await unlink(this.path);
      return this.path;
    } catch {
      return null; // renamed already, or removed by someone else
    }
  }

  private checkOpen(): void {
    if (this.state !== 'open') throw new Error(`${this.target}: the file was ${this.state === 'aborted' ? 'abandoned' : 'finished'} already`);
  }
}
