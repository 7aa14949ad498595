// ONNX's own conformance cases (the backend node tests, outputs from its numpy reference) for every
// operator the interpreter supports: each case gives the expected outputs within the fixtures'
// tolerance (exactly for integers and booleans), or is one of the refusals listed here with its reason.
import { describe, expect, it } from 'vitest';
import { OPERATORS } from '../../lib/formats/onnx/ops/registry';
import { loadModel, type Model } from '../../lib/index';
import { expectClose, expectExact } from '../support/fixtures';
import { backendCases, supportedOperators, type PbTensor } from '../support/onnx-backend';

const TO_HALF = /Cast to B?FLOAT16 is not supported: tensors are computed in float32, and the rounding to B?FLOAT16 would be lost/;
const TRAINING_DROPOUT = /training_mode is true with ratio 0\.\d+: random dropout \(training\) is not supported, only inference/;

/** Cases refused on purpose: what the interpreter does not compute, said rather than approximated. */
const REFUSED: Record<string, RegExp> = {
  // Training: statistics of the batch and random dropout.
  test_batchnorm_epsilon_training_mode: /node 0 \(BatchNormalization\): expected 1 to 1 outputs, got 3/,
  test_batchnorm_example_training_mode: /node 0 \(BatchNormalization\): expected 1 to 1 outputs, got 3/,
  test_training_dropout: TRAINING_DROPOUT,
  test_training_dropout_default: TRAINING_DROPOUT,
  test_training_dropout_default_mask: TRAINING_DROPOUT,
  test_training_dropout_mask: TRAINING_DROPOUT,
  // Rounding to 16-bit floats, which a float32 interpreter would skip.
  test_cast_DOUBLE_to_FLOAT16: TO_HALF,
  test_cast_FLOAT_to_BFLOAT16: TO_HALF,
  test_cast_FLOAT_to_FLOAT16: TO_HALF,
  test_castlike_DOUBLE_to_FLOAT16_expanded: TO_HALF,
  test_castlike_FLOAT_to_BFLOAT16_expanded: TO_HALF,
  test_castlike_FLOAT_to_FLOAT16_expanded: TO_HALF,
  // The data set stores the bfloat16 input as its UINT16 bit patterns: an integer array for a float input.
  test_cast_BFLOAT16_to_FLOAT: /input\.data: expected a Float32Array, got Uint16Array/,
  test_castlike_BFLOAT16_to_FLOAT_expanded: /input\.data: expected a Float32Array, got Uint16Array/,
  // Strings, optionals and sequences are not tensors of numbers.
  test_cast_FLOAT_to_STRING: /node 0 \(Cast\): attribute 'to' must name a numeric type, got STRING/,
  test_cast_STRING_to_FLOAT: /graph input 'input' has unsupported type STRING/,
  test_castlike_FLOAT_to_STRING_expanded: /graph input 'like' has unsupported type STRING/,
  test_castlike_STRING_to_FLOAT_expanded: /graph input 'input' has unsupported type STRING/,
  test_identity_opt: /graph input 'opt_in': only tensor values are supported/,
  test_identity_sequence: /graph input 'x': only tensor values are supported/,
};

const cases = backendCases();

function feeds(model: Model, inputs: PbTensor[]): Record<string, unknown> {
  return Object.fromEntries(model.inputNames.map((name, i) => [name, { data: inputs[i].data, shape: inputs[i].shape }]));
}

async function outcome(c: (typeof cases)[number]): Promise<string | null> {
  let model: Model;
  try {
    model = await loadModel(c.model);
  } catch (error) {
    return (error as Error).message;
  }
  for (const [set, { inputs, outputs }] of c.dataSets.entries()) {
    if ([...inputs, ...outputs].some((t) => t.data === null)) return `data set ${set}: a tensor type the tests cannot feed`;
    let got;
    try {
      got = model.runSync(feeds(model, inputs) as never);
    } catch (error) {
      return (error as Error).message;
    }
    model.outputNames.forEach((name, i) => {
      const want = outputs[i];
      if (!want) return;
      expect(got[name].shape, `${c.name} ${name}`).toEqual(want.shape);
      const values = Float32Array.from(want.data as ArrayLike<number | bigint>, Number);
      (want.data instanceof Float32Array ? expectClose : expectExact)(got[name].data, values, `${c.name} data set ${set} ${name}`);
    });
  }
  return null;
}

describe('ONNX backend node tests', () => {
  it('cover every operator the interpreter registers (the generator selects by this list)', () => {
    expect(supportedOperators()).toEqual([...OPERATORS.keys()].sort());
    const covered = new Set(cases.flatMap((c) => c.operators));
    expect([...OPERATORS.keys()].filter((op) => !covered.has(op)).sort()).toEqual(['Gelu', 'Mish']); // opsets 18 and 20, after onnx 1.12
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const refusal = await outcome(c);
    if (REFUSED[name]) expect(refusal).toMatch(REFUSED[name]);
    else expect(refusal).toBeNull();
  });
});
