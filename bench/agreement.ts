// Whether two engines computed the same thing, so that comparing their speed is honest.
import type { EngineOutputs } from './engine';

export interface Agreement {
  ok: boolean;
  maxAbsError: number;
  /** The largest |got - want| / tolerance over all elements: ok when at most 1. */
  worstErrorOverTolerance: number;
  mismatches: number;
}

// The fixture tolerance. Long sequences need nothing looser: with PyTorch's initialisation W_hh's
// spectral radius is about 1/sqrt(3) and tanh' <= 1, so a rounding difference at one step decays
// over the following ones instead of accumulating (checked on long_b1_h64, T = 1000).
const ABSOLUTE = 1e-5;
const RELATIVE = 1e-4;

function compareArrays(got: Float32Array, want: Float32Array, into: Agreement): void {
  if (got.length !== want.length) throw new RangeError(`agreement: ${got.length} values against ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    const error = Math.abs(got[i] - want[i]);
    const ratio = error / (ABSOLUTE + RELATIVE * Math.abs(want[i]));
    if (!(ratio <= 1)) into.mismatches++; // NaN counts as a mismatch
    into.maxAbsError = Math.max(into.maxAbsError, error);
    into.worstErrorOverTolerance = Math.max(into.worstErrorOverTolerance, Number.isNaN(ratio) ? Infinity : ratio);
  }
}

/** Compares output and hn of `got` against the reference `want`. */
export function compareOutputs(got: EngineOutputs, want: EngineOutputs): Agreement {
  const result: Agreement = { ok: false, maxAbsError: 0, worstErrorOverTolerance: 0, mismatches: 0 };
  compareArrays(got.output, want.output, result);
  compareArrays(got.hn, want.hn, result);
  result.ok = result.mismatches === 0;
  return result;
}
