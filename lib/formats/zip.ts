// Zip archives the package accepts (Keras 3's .keras, torch.save's .pt), read with yauzl from bytes
// already in memory. Nothing is extracted to disk; entries are read by exact name, and each entry's
// declared size is checked before anything is inflated for it: an archive is a file like any other,
// so no allocation is sized by an unchecked header (yauzl then verifies the inflated bytes match).
import * as yauzl from 'yauzl';
import { MalformedFileError, UnsupportedError } from '../errors';
import { MAX_FILE_BYTES } from './source';

/** Deflate cannot shrink data by more than about 1032 to 1; a larger claimed ratio is a bomb or a lie. */
const MAX_DEFLATE_RATIO = 1100;
/** More entries than any model archive has; the central directory is read whole. */
const MAX_ENTRIES = 100_000;

export interface ZipEntryInfo {
  name: string;
  /** Uncompressed bytes, as the central directory declares them. */
  size: number;
}

export interface ZipArchive {
  readonly label: string;
  readonly entries: ReadonlyMap<string, ZipEntryInfo>;
  /** The whole entry `name`, at most `maxBytes` long; an Error naming the archive and entry otherwise. */
  read(name: string, maxBytes?: number): Promise<Uint8Array>;
  close(): void;
}

function fromBuffer(bytes: Uint8Array, label: string): Promise<yauzl.ZipFile> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (error, zip) => {
      if (error) reject(new MalformedFileError(`${label}: not a valid zip archive (${error.message})`, { base: 'Error' }));
      else resolve(zip);
    });
  });
}

function checkEntry(entry: yauzl.Entry, label: string): void {
  const what = `${label}: zip entry '${entry.fileName}'`;
  if (entry.uncompressedSize > MAX_FILE_BYTES) throw new MalformedFileError(`${what} declares ${entry.uncompressedSize} bytes, more than the ${MAX_FILE_BYTES} an entry may hold`);
  const stored = entry.compressionMethod === 0;
  if (stored ? entry.uncompressedSize !== entry.compressedSize : entry.uncompressedSize > MAX_DEFLATE_RATIO * Math.max(entry.compressedSize, 1)) {
    throw new MalformedFileError(`${what} declares ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed, which no real archive does`);
  }
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw new UnsupportedError(`${what} uses compression method ${entry.compressionMethod}; only stored and deflated entries are read`, { base: 'Error' });
  }
  if (entry.isEncrypted()) throw new UnsupportedError(`${what} is encrypted`, { base: 'Error' });
}

function listEntries(zip: yauzl.ZipFile, label: string): Promise<Map<string, yauzl.Entry>> {
  if (zip.entryCount > MAX_ENTRIES) return Promise.reject(new MalformedFileError(`${label}: the zip archive lists ${zip.entryCount} entries, more than the ${MAX_ENTRIES} read`));
  return new Promise((resolve, reject) => {
    const entries = new Map<string, yauzl.Entry>();
    zip.on('entry', (entry: yauzl.Entry) => {
      try {
        if (entries.has(entry.fileName)) throw new MalformedFileError(`${label}: the zip archive holds '${entry.fileName}' twice`, { base: 'Error' });
        if (!entry.fileName.endsWith('/')) checkEntry(entry, label);
        entries.set(entry.fileName, entry);
        zip.readEntry();
      } catch (error) {
        zip.close();
        reject(error);
      }
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (error: Error) => reject(new MalformedFileError(`${label}: not a valid zip archive (${error.message})`, { base: 'Error' })));
    zip.readEntry();
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, label: string): Promise<Uint8Array> {
  const what = `${label}: zip entry '${entry.fileName}'`;
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(new MalformedFileError(`${what}: ${error.message}`, { base: 'Error' }));
      const out = new Uint8Array(entry.uncompressedSize);
      let offset = 0;
      stream.on('data', (chunk: Buffer) => {
        // validateEntrySizes stops a stream that outgrows its declared size; this keeps the copy in bounds until then.
        if (offset + chunk.length > out.length) return stream.destroy(new Error(`inflates past its declared ${out.length} bytes`));
        out.set(chunk, offset);
        offset += chunk.length;
      });
      stream.on('error', (streamError: Error) => reject(new MalformedFileError(`${what}: ${streamError.message}`, { base: 'Error' })));
      stream.on('end', () => (offset === out.length ? resolve(out) : reject(new MalformedFileError(`${what}: inflated to ${offset} bytes, ${out.length} declared`, { base: 'Error' }))));
    });
  });
}

export async function openZip(bytes: Uint8Array, label: string): Promise<ZipArchive> {
  const zip = await fromBuffer(bytes, label);
  const raw = await listEntries(zip, label);
  const entries = new Map([...raw].map(([name, entry]) => [name, { name, size: entry.uncompressedSize }]));
  return {
    label,
    entries,
    read(name, maxBytes = MAX_FILE_BYTES) {
      const entry = raw.get(name);
      if (!entry) return Promise.reject(new MalformedFileError(`${label}: the zip archive has no entry '${name}'`, { base: 'Error' }));
      if (entry.uncompressedSize > maxBytes) {
        return Promise.reject(new MalformedFileError(`${label}: zip entry '${name}' holds ${entry.uncompressedSize} bytes, more than the ${maxBytes} expected`));
      }
      return readEntry(zip, entry, label);
    },
    close: () => zip.close(),
  };
}

/** Whether bytes start like a zip archive (a local file header). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}
