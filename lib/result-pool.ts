// New Float32Arrays for results, small ones carved from a shared slab, as Node's Buffer.allocUnsafe
// pools small Buffers: for a call of a few multiply-adds a typed array of its own costs more than
// the call (V8 keeps a small one on the JS heap and must move it off when the addon takes its
// address). The slab is marked untransferable, so postMessage never detaches it under other
// results; a small result keeps its slab alive, and its .buffer is the slab (read it through
// byteOffset and byteLength, or take .slice() to own a copy).
import { markAsUntransferable } from 'node:worker_threads';

const SLAB_BYTES = 8192;
/** Results up to this many floats (1 KiB) come from the slab. */
export const MAX_POOLED_FLOATS = 256;

let slab: ArrayBuffer | null = null;
let used = 0;

function freshSlab(): ArrayBuffer {
  const buffer = new ArrayBuffer(SLAB_BYTES);
  markAsUntransferable(buffer);
  return buffer;
}

/** A zero-filled Float32Array of `length` elements that the caller owns (the slab's bytes are never handed out twice). */
export function newResultArray(length: number): Float32Array {
  if (length > MAX_POOLED_FLOATS) return new Float32Array(length);
  const bytes = length * Float32Array.BYTES_PER_ELEMENT;
  // A detached slab (ArrayBuffer.prototype.transfer still can) has byteLength 0: start another.
  if (slab === null || slab.byteLength === 0 || used + bytes > SLAB_BYTES) {
    slab = freshSlab();
    used = 0;
  }
  const view = new Float32Array(slab, used, length);
  used += (bytes + 15) & ~15; // each result starts on a 16-byte boundary
  return view;
}
