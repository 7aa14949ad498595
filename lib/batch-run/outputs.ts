// The output files of a run: one .npy per model output in the output folder, each written under a
// temporary name and renamed once complete, all abandoned together when the run fails.
import { lstat } from 'node:fs/promises';
import * as path from 'node:path';
import { NpyWriter } from '../formats/npy-writer';
import { formatShape } from '../tensor';
import { shardFileName, type SequenceRange } from './shards';

export interface WrittenFile {
  name: string;
  path: string;
  shape: number[];
}

/** A file name for an output name: path separators and NUL (an ONNX name may hold anything) become '_'. */
function fileBase(name: string): string {
  return name.replace(/[/\\\0]/g, '_');
}

/**
 * outDir/<name>.npy, or outDir/<name>.shard-<start>-<end>-axis<k>.npy for a range of the batch (k:
 * the output's batch axis); two outputs may not share a file.
 */
export function outputPaths(names: readonly string[], outDir: string, range: SequenceRange | null, axes: Record<string, number> = {}): Map<string, string> {
  const paths = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const name of names) {
    const base = fileBase(name);
    const file = path.join(outDir, range ? shardFileName(base, range, axes[name]) : `${base}.npy`);
    const other = owners.get(file);
    if (other !== undefined) throw new Error(`outputs '${other}' and '${name}' would both be written to ${file}`);
    owners.set(file, name);
    paths.set(name, file);
  }
  return paths;
}

/** A folder (or anything but a file) under an output's name would fail the final rename: refused before the work. */
async function checkTarget(file: string): Promise<void> {
  const stats = await lstat(file).catch(() => null);
  if (stats && !stats.isFile() && !stats.isSymbolicLink()) throw new Error(`${file}: cannot write an output there: it is a ${stats.isDirectory() ? 'folder' : 'special file'}`);
}

/** The writers of one run's outputs, opened together, committed together, abandoned together. */
export class OutputFiles {
  private constructor(private readonly writers: Map<string, NpyWriter>) {}

  /** Opens a writer per output, each for its whole shape; on a failure the ones opened are removed. */
  static async open(shapes: Map<string, number[]>, paths: Map<string, string>): Promise<OutputFiles> {
    const writers = new Map<string, NpyWriter>();
    try {
      for (const [name] of shapes) await checkTarget(paths.get(name)!);
      for (const [name, shape] of shapes) writers.set(name, await NpyWriter.create(paths.get(name)!, shape));
    } catch (error) {
      await Promise.all([...writers.values()].map((w) => w.abort()));
      throw error;
    }
    return new OutputFiles(writers);
  }

  writer(name: string): NpyWriter {
    const writer = this.writers.get(name);
    if (!writer) throw new Error(`output '${name}' was not among the outputs of the first part (${[...this.writers.keys()].join(', ')})`);
    return writer;
  }

  /** Renames the files to their names once every one is complete and on disk. */
  async commit(): Promise<WrittenFile[]> {
    for (const writer of this.writers.values()) await writer.finish();
    for (const writer of this.writers.values()) await writer.publish();
    return [...this.writers].map(([name, writer]) => ({ name, path: writer.target, shape: writer.shape.slice() }));
  }

  /** Removes every temporary file; resolves to the paths removed. */
  async abort(): Promise<string[]> {
    const removed = await Promise.all([...this.writers.values()].map((w) => w.abort()));
    return removed.filter((p): p is string => p !== null);
  }
}

/** The shape of a whole output from one part's: the part's count along the batch axis replaced by the run's. */
export function wholeShape(name: string, partShape: readonly number[], axis: number | undefined, sequences: number): number[] {
  if (axis === undefined || axis >= partShape.length) {
    throw new Error(`output '${name}' ${formatShape(partShape)} has no batch axis to write its parts along`);
  }
  return partShape.map((dim, i) => (i === axis ? sequences : dim));
}
