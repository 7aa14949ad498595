// Result tensors as JSON rows. JSON has no NaN or Infinity (JSON.stringify writes null), so those
// values travel as the strings "NaN", "Infinity" and "-Infinity", which JSON.parse leaves as strings
// and Number() turns back into the values.
'use strict';

const jsonNumber = (value) => (Number.isFinite(value) ? value : String(value));

/** A [..., width] tensor as an array of rows of `width` JSON values. */
function jsonRows(tensor) {
  const width = tensor.shape[tensor.shape.length - 1];
  return Array.from({ length: tensor.data.length / width }, (_, r) => Array.from(tensor.data.subarray(r * width, (r + 1) * width), jsonNumber));
}

module.exports = { jsonRows };
