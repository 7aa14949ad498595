// The batcher's input staging: values stay where their Staged says, through compactions.
import { describe, expect, it } from 'vitest';
import { InputStaging } from '../../lib/batching/staging';

const values = (start: number, count: number) => Float32Array.from({ length: count }, (_, i) => start + i);

describe('InputStaging', () => {
  it('keeps the values of the requests it is told to keep, whatever their order, and frees the rest', () => {
    const staging = new InputStaging();
    const a = staging.add(values(0, 3000));
    const b = staging.add(values(10_000, 5));
    const c = staging.add(values(20_000, 2000));
    staging.keepOnly([c, b]); // a sent: b and c move down to the start
    expect(b.offset).toBe(0);
    expect(Array.from(staging.view(b))).toEqual(Array.from(values(10_000, 5)));
    expect(Array.from(staging.view(c))).toEqual(Array.from(values(20_000, 2000)));
    const d = staging.add(values(30_000, 4000)); // grows past the first buffer
    expect(Array.from(staging.view(c))).toEqual(Array.from(values(20_000, 2000)));
    expect(Array.from(staging.view(d))).toEqual(Array.from(values(30_000, 4000)));
    expect(a.offset).toBe(0); // a's Staged is no longer kept up to date: it was sent
  });

  it('moves values down only once the freed part is at least half of what is staged', () => {
    const staging = new InputStaging();
    const a = staging.add(values(0, 10));
    const b = staging.add(values(100, 30));
    staging.keepOnly([b]);
    expect(b.offset).toBe(10); // 10 freed of 40: not worth a copy yet
    const c = staging.add(values(200, 5));
    staging.keepOnly([c]);
    expect(c.offset).toBe(0);
    expect(Array.from(staging.view(c))).toEqual(Array.from(values(200, 5)));
    expect(a.length).toBe(10);
  });

  it('takes back the last add, and nothing else', () => {
    const staging = new InputStaging();
    const a = staging.add(values(0, 4));
    const b = staging.add(values(10, 4));
    staging.removeLast(a); // not the last: kept
    staging.removeLast(b);
    const c = staging.add(values(20, 4));
    expect(c.offset).toBe(4);
    expect(Array.from(staging.view(a))).toEqual([0, 1, 2, 3]);
  });
});
