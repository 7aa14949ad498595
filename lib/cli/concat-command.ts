// `vanilla-rnn concat`: shards written by `run --shard` (or any .npy files) joined into one .npy,
// streaming. A folder joins every output's shards in it into <output>.npy; stdout lists the files.
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { concatNpy, concatShards, parseShardFileName } from '../index';
import type { CommandOutput } from './run-command';
import { interruptible } from './signals';

export interface ConcatCommandOptions {
  out?: string;
  axis?: number;
}

/** Shards of one output in one folder join into <folder>/<output>.npy unless --out says otherwise. */
function defaultTarget(files: string[]): string {
  const shards = files.map(parseShardFileName);
  const outputs = new Set(shards.map((s) => s?.output));
  const folders = new Set(files.map((f) => path.dirname(f)));
  if (shards.some((s) => !s) || outputs.size !== 1 || folders.size !== 1) {
    throw new Error('concat: pass --out <file>: the files are not the shards of one output in one folder');
  }
  return path.join([...folders][0], `${shards[0]!.output}.npy`);
}

export async function concatFiles(files: string[], options: ConcatCommandOptions, { print, stderr }: CommandOutput): Promise<void> {
  const isFolder = files.length === 1 && (await stat(files[0]).catch(() => null))?.isDirectory();
  if (isFolder && (options.out !== undefined || options.axis !== undefined)) throw new Error('concat: a folder joins each output\'s shards into <output>.npy; --out and --axis are for a list of files');
  const written = await interruptible(stderr, async (signal) => (isFolder
    ? concatShards(files[0], { signal })
    : [await concatNpy(files, options.out ?? defaultTarget(files), { ...(options.axis !== undefined && { axis: options.axis }), signal })]));
  for (const { path: file, shape } of written ?? []) print(`wrote ${file} [${shape.join(', ')}]`);
}
