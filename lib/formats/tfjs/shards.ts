// TF.js weight shards: the files model.json's weightsManifest names, relative to its folder. Each
// must resolve (links followed) to a regular file inside the folder's real path, and a group's
// shards must hold exactly the bytes its weights take: each is fstat'ed and read for no more.
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { openFile, readExactly, regularFileSize } from '../source';
import type { ShardReader, WeightGroup } from './weights';

function checkName(shard: string, label: string): void {
  if (shard === '' || path.isAbsolute(shard) || shard.split(/[\\/]/).includes('..')) {
    throw new RangeError(`${label}: weight path ${JSON.stringify(shard)} must be relative to the model.json directory, without '..'`);
  }
}

function isInside(root: string, real: string): boolean {
  const relative = path.relative(root, real);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/** Errors from the file system (ENOENT, ELOOP, EACCES) say which shard they are about. */
async function cannotRead<T>(shard: string, label: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new Error(`${label}: cannot read weight file '${shard}' listed in weightsManifest: ${(error as Error).message}`);
  }
}

/** One shard, at `offset` of its group: refused when it holds more than the group's weights leave. */
async function readShard(file: string, shard: string, group: WeightGroup, offset: number, label: string): Promise<Uint8Array> {
  // The path is resolved already: a link put in its place since would not be followed.
  const { handle, stats } = await cannotRead(shard, label, () => openFile(file, { noFollow: true }));
  try {
    const what = `${label}: weight file '${shard}' listed in weightsManifest`;
    const size = regularFileSize(stats, what);
    const left = group.byteLength - offset;
    if (size > left) {
      throw new RangeError(`${group.what}: weight file '${shard}' is ${size} bytes, the weights listed leave ${left} bytes for it (they take ${group.byteLength} in all)`);
    }
    return await readExactly(handle, size, what);
  } finally {
    await handle.close();
  }
}

/** Reads shards from `directory` (null for a model.json given as bytes, which cannot name any). */
export function shardReader(directory: string | null, label: string): ShardReader {
  let root: Promise<string> | undefined;
  return async (group) => {
    const shards: Uint8Array[] = [];
    let offset = 0;
    for (const shard of group.paths) {
      if (directory === null) {
        throw new Error(`${label}: a TF.js model.json given as bytes has no directory to find its weight file '${shard}' in; pass the path of model.json or of its directory`);
      }
      checkName(shard, label);
      root ??= realpath(directory);
      const folder = await root;
      const real = await cannotRead(shard, label, () => realpath(path.join(directory, shard)));
      if (!isInside(folder, real)) {
        throw new RangeError(`${label}: weight file '${shard}' resolves to ${real}, outside the model folder ${folder}; weight files must lie inside it`);
      }
      const bytes = await readShard(real, shard, group, offset, label);
      shards.push(bytes);
      offset += bytes.length;
    }
    if (offset !== group.byteLength) {
      const sizes = group.paths.map((shard, i) => `'${shard}' ${shards[i].length}`).join(', ');
      throw new RangeError(`${group.what}: the weight files hold ${offset} bytes (${sizes}), the weights listed take ${group.byteLength}`);
    }
    return shards.length === 1 ? shards[0] : Buffer.concat(shards);
  };
}
