// Joining C-order arrays along one axis. Everything before the axis is `outer` rows; each part gives
// each row its length / outer elements, one part after the other.

export function concatBlocks<T extends Float32Array | Float64Array>(parts: ReadonlyArray<{ data: T }>, outer: number, out: T): T {
  let offset = 0;
  for (let o = 0; o < outer; o++) {
    for (const part of parts) {
      const block = part.data.length / outer;
      out.set(part.data.subarray(o * block, (o + 1) * block), offset);
      offset += block;
    }
  }
  return out;
}
