// Zip archives built in memory with yazl, for the tests of the readers of zipped formats.
import * as yazl from 'yazl';

export function zipArchive(entries: Array<{ name: string; data: Uint8Array; compress?: boolean }>): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  for (const { name, data, compress = true } of entries) zip.addBuffer(Buffer.from(data), name, { compress });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    zip.outputStream.on('error', reject);
  });
}
