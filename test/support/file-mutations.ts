// What a file the package opens can be instead of the regular file it expects, for the file fuzz
// suite: links (inside and outside the model folder, through linked folders, dangling, looping),
// devices, FIFOs, sockets, directories, and files of the wrong size. Each mutation returns what a
// correct reader does with the result: null when it reads it as before, else the refusal expected.
import { existsSync, linkSync, mkdirSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { between, type Rng } from './fuzz-junk';
import { makeFifo } from './special-files';

export const DEVICES = ['/dev/zero', '/dev/null', '/dev/urandom', '/dev/full'].filter((d) => existsSync(d));
export const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How a reader words its refusals of one file. */
export interface Refusals {
  notRegular(kind: string): RegExp;
  cannotOpen(code: string): RegExp;
  /** For a directory (loadModel looks into one for model.json). */
  directory: RegExp;
  tooLarge: RegExp;
  /** For a link out of the model folder: null where a link may go anywhere (a file the caller named). */
  outside: RegExp | null;
}

/** A TF.js shard: the manifest's paths (editable) and which of them this is. */
export interface ShardEntry {
  paths: string[];
  index: number;
}

export interface Target {
  /** The regular file to replace; it exists. */
  file: string;
  refusals: Refusals;
  shard?: ShardEntry;
}

/** Where a mutation may put things: the model folder, a folder outside it, a socket to link to. */
export interface Place {
  dir: string;
  outside: string;
  socket: string | null;
  rng: Rng;
}

export interface Mutation {
  name: string;
  /** Changes the shard's size: two such in one case could cancel out, so one per case. */
  sized?: boolean;
  /** Edits the manifest path: TF.js shards only. */
  shardOnly?: boolean;
  apply(target: Target, place: Place): RegExp | null;
}

const unique = (rng: Rng): number => between(rng, 0, 1e9);

function moveTo(file: string, to: string): void {
  mkdirSync(path.dirname(to), { recursive: true });
  renameSync(file, to);
}

function replaceWithLink(file: string, target: string): void {
  rmSync(file, { recursive: true });
  symlinkSync(target, file);
}

/** A link out of the model folder to something of `kind`: refused for leaving the folder, or for its kind. */
const leaving = (say: Refusals, kind: string | null): RegExp | null => say.outside ?? (kind === null ? null : say.notRegular(kind));

/** Moves the shard's file into `folder` and points its manifest path through `via`, a link to that folder. */
function throughLinkedFolder({ file, shard }: Target, dir: string, folder: string, linkTarget: string): string {
  const via = `via-${shard!.index}`;
  moveTo(file, path.join(folder, path.basename(file)));
  symlinkSync(linkTarget, path.join(dir, via));
  shard!.paths[shard!.index] = `${via}/${path.basename(file)}`;
  return shard!.paths[shard!.index];
}

export const MUTATIONS: Mutation[] = [
  { name: 'FIFO', apply: ({ file, refusals }) => { rmSync(file); makeFifo(file); return refusals.notRegular('a FIFO'); } },
  { name: 'directory', apply: ({ file, refusals }) => { rmSync(file); mkdirSync(file); return refusals.directory; } },
  { name: 'dangling link', apply: ({ file, refusals }) => { replaceWithLink(file, 'missing-target'); return refusals.cannotOpen('ENOENT'); } },
  { name: 'link loop', apply: ({ file, refusals }) => { replaceWithLink(file, path.basename(file)); return refusals.cannotOpen('ELOOP'); } },
  {
    name: 'socket (hard link to one)', apply: ({ file, refusals }, { socket }) => {
      if (!socket) return null;
      rmSync(file);
      linkSync(socket, file);
      return refusals.cannotOpen('ENXIO');
    },
  },
  ...DEVICES.map((device): Mutation => ({
    name: `link to ${device}`, apply: ({ file, refusals }) => { replaceWithLink(file, device); return leaving(refusals, 'a character device'); },
  })),
  {
    name: 'link to a FIFO outside', apply: ({ file, refusals }, { outside, rng }) => {
      replaceWithLink(file, makeFifo(path.join(outside, `fifo-${unique(rng)}`)));
      return leaving(refusals, 'a FIFO');
    },
  },
  { name: 'link to a directory outside', apply: ({ file, refusals }, { outside }) => { replaceWithLink(file, outside); return refusals.outside ?? refusals.directory; } },
  {
    name: 'link to a regular copy outside', apply: ({ file, refusals }, { outside, rng }) => {
      const copy = path.join(outside, `copy-${unique(rng)}`);
      moveTo(file, copy);
      symlinkSync(copy, file);
      return leaving(refusals, null);
    },
  },
  {
    name: 'relative link climbing out to a copy', apply: ({ file, refusals }, { outside, rng }) => {
      const copy = path.join(outside, `climb-${unique(rng)}`);
      moveTo(file, copy);
      symlinkSync(path.relative(path.dirname(file), copy), file);
      return leaving(refusals, null);
    },
  },
  {
    name: 'hard link to a copy outside', apply: ({ file }, { outside, rng }) => {
      const copy = path.join(outside, `hard-${unique(rng)}`);
      moveTo(file, copy);
      linkSync(copy, file); // the same inode: a regular file inside the folder
      return null;
    },
  },
  {
    name: 'link to a copy inside', apply: ({ file }, { dir, rng }) => {
      const copy = path.join(dir, 'data', `inside-${unique(rng)}`);
      moveTo(file, copy);
      symlinkSync(path.relative(path.dirname(file), copy), file);
      return null;
    },
  },
  {
    name: 'link to a FIFO inside', apply: ({ file, refusals }, { dir, rng }) => {
      replaceWithLink(file, makeFifo(path.join(dir, `fifo-${unique(rng)}`)));
      return refusals.notRegular('a FIFO');
    },
  },
  {
    name: 'link to a directory inside', apply: ({ file, refusals }, { dir, rng }) => {
      const folder = path.join(dir, `folder-${unique(rng)}`);
      mkdirSync(folder);
      replaceWithLink(file, folder);
      return refusals.directory;
    },
  },
  { name: 'over 2 GiB (sparse)', sized: true, apply: ({ file, refusals }) => { truncateSync(file, 2 ** 31 + 7); return refusals.tooLarge; } },
  // Size changes of model files are the byte-mutation suites' business; here they are shards'.
  {
    name: 'truncated', sized: true, shardOnly: true, apply: ({ file }, { rng }) => {
      truncateSync(file, between(rng, 0, statSync(file).size - 1));
      return /the weight files hold \d+ bytes \(.*\), the weights listed take \d+/;
    },
  },
  {
    name: 'longer', sized: true, shardOnly: true, apply: ({ file }, { rng }) => {
      writeFileSync(file, new Uint8Array(between(rng, 1, 64)), { flag: 'a' });
      return /is \d+ bytes, the weights listed leave \d+ bytes for it/;
    },
  },
  { name: 'sparse 1 GiB', sized: true, shardOnly: true, apply: ({ file }) => { truncateSync(file, 2 ** 30); return /is 1073741824 bytes, the weights listed leave \d+ bytes for it/; } },
  {
    name: 'through a linked folder inside', shardOnly: true, apply: (target, { dir }) => {
      throughLinkedFolder(target, dir, path.join(dir, `real-${target.shard!.index}`), `real-${target.shard!.index}`);
      return null;
    },
  },
  {
    name: 'through a linked folder outside', shardOnly: true, apply: (target, { dir, outside, rng }) => {
      const folder = path.join(outside, `folder-${unique(rng)}`);
      const name = throughLinkedFolder(target, dir, folder, folder);
      return new RegExp(`weight file '${escape(name)}' resolves to .*, outside the model folder`);
    },
  },
  {
    name: '/etc/passwd through a link to /etc', shardOnly: true, apply: ({ shard }, { dir }) => {
      symlinkSync('/etc', path.join(dir, `etc-${shard!.index}`));
      shard!.paths[shard!.index] = `etc-${shard!.index}/passwd`;
      return new RegExp(`weight file 'etc-${shard!.index}/passwd' resolves to /etc/passwd, outside the model folder`);
    },
  },
  {
    name: 'absolute manifest path', shardOnly: true, apply: ({ file, shard }) => {
      shard!.paths[shard!.index] = file;
      return /must be relative to the model.json directory, without '..'/;
    },
  },
  {
    name: "manifest path through '..'", shardOnly: true, apply: ({ file, shard }) => {
      shard!.paths[shard!.index] = `sub/../${path.basename(file)}`;
      return /must be relative to the model.json directory, without '..'/;
    },
  },
];
