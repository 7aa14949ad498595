// How deeply the headers read from files may nest. Parsers of nested data recurse, and so do
// JSON.stringify and the walks over what they return; a file nesting deeper than any model needs is
// refused with the limit named before anything recurses over it, not by a stack overflow.

/** The most brackets ({ and [, or ( in a .npy header) a header or model.json may have open at once. */
export const MAX_NESTING = 64;

export function nestingError(label: string, what: string, offset: number): RangeError {
  return new RangeError(`${label}: ${what} nests brackets deeper than the limit of ${MAX_NESTING} levels (at offset ${offset})`);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const [OPEN_ARRAY, OPEN_OBJECT, CLOSE_ARRAY, CLOSE_OBJECT] = [0x5b, 0x7b, 0x5d, 0x7d];

/** The index of the quote closing the JSON string opened at `start` (the end when none does). */
function stringEnd(json: Uint8Array, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    const c = json[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return json.length;
}

/**
 * Refuses UTF-8 JSON with more than MAX_NESTING brackets open at once (brackets inside strings do not
 * count). It runs on the bytes, before decoding: in UTF-8 these ASCII bytes are never part of another character.
 */
export function checkJsonNesting(json: Uint8Array, label: string, what: string): void {
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === QUOTE) {
      i = stringEnd(json, i);
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > MAX_NESTING) throw nestingError(label, what, i);
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
}
