// Zip archives as the package reads them: by exact entry name, each declared size checked before inflating.
import { describe, expect, it } from 'vitest';
import { openZip } from '../../lib/formats/zip';
import { zipArchive } from './helpers/zip-archive';

const archive = zipArchive;

/** The offsets of every local and central header's uncompressed-size field for entry `index` (0-based). */
function patchUncompressedSize(bytes: Uint8Array, size: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50) view.setUint32(i + 22, size, true); // local file header
    if (signature === 0x02014b50) view.setUint32(i + 24, size, true); // central directory header
  }
  return out;
}

describe('openZip', () => {
  it('reads entries by name, stored and deflated alike', async () => {
    const text = new TextEncoder().encode('{"a": 1}'.repeat(100));
    const bytes = await archive([{ name: 'config.json', data: text }, { name: 'data/0', data: Uint8Array.of(1, 2, 3), compress: false }]);
    const zip = await openZip(bytes, 'm.keras');
    expect([...zip.entries.keys()]).toEqual(['config.json', 'data/0']);
    expect(zip.entries.get('config.json')!.size).toBe(text.length);
    expect(await zip.read('config.json')).toEqual(text);
    expect(await zip.read('data/0')).toEqual(Uint8Array.of(1, 2, 3));
    zip.close();
  });

  it('names the archive and entry when an entry is missing or larger than the caller expects', async () => {
    const zip = await openZip(await archive([{ name: 'a', data: new Uint8Array(10) }]), 'm.pt');
    await expect(zip.read('b')).rejects.toThrow("m.pt: the zip archive has no entry 'b'");
    await expect(zip.read('a', 4)).rejects.toThrow("m.pt: zip entry 'a' holds 10 bytes, more than the 4 expected");
  });

  it('refuses bytes that are not a zip archive, and a truncated one', async () => {
    await expect(openZip(new TextEncoder().encode('not a zip at all, just text'), 'x.keras')).rejects.toThrow(/^x\.keras: not a valid zip archive/);
    const bytes = await archive([{ name: 'a', data: new Uint8Array(100) }]);
    await expect(openZip(bytes.subarray(0, bytes.length - 10), 'x.keras')).rejects.toThrow(/^x\.keras: not a valid zip archive/);
  });

  it('refuses an entry whose declared size no deflate stream could reach (a zip bomb) before inflating it', async () => {
    const bytes = patchUncompressedSize(await archive([{ name: 'bomb', data: new Uint8Array(1000) }]), 2 ** 31 - 2);
    await expect(openZip(bytes, 'b.keras')).rejects.toThrow(/b\.keras: zip entry 'bomb' declares 2147483646 bytes from \d+ compressed, which no real archive does/);
  });

  it('refuses an entry that inflates to other than its declared size', async () => {
    const bytes = patchUncompressedSize(await archive([{ name: 'a', data: new Uint8Array(1000) }]), 900);
    const zip = await openZip(bytes, 'c.keras');
    await expect(zip.read('a')).rejects.toThrow(/^c\.keras: zip entry 'a': /);
  });
});
