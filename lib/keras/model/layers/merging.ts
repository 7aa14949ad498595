// Keras merge layers over tensors of one shape: Add, Subtract, Multiply, Average, and Concatenate
// along an axis. Masks combine as each Keras does: Keras 3 keeps a step any input keeps (none when
// an input has no mask), Keras 2 one all masked inputs keep; TF.js' combination is refused.
import { MalformedFileError, ShapeError, UnsupportedError } from '../../../errors';
import { concatBlocks } from '../../../concat-blocks';
import { sizeOf, type Tensor } from '../../../tensor';
import { describe } from '../../../tensor';
import type { Dialect } from '../description';
import type { LayerContext } from '../fields';
import { describeShape, type BuildContext, type BuiltLayer, type LayerKind, type Shape, type Symbolic, type Value } from '../layer';
import { combine } from '../masks';
import * as ops from '../../../native/ops';

/** Joins tensors of equal leading dimensions along an axis (their last by default). */
export function concatAlong(parts: Tensor[], axis: number): Tensor {
  const shape = parts[0].shape.slice();
  shape[axis] = parts.reduce((n, p) => n + p.shape[axis], 0);
  const outer = sizeOf(shape.slice(0, axis));
  return { data: concatBlocks(parts, outer, new Float32Array(sizeOf(shape))), shape };
}

export const concatLastAxis = (parts: Tensor[]): Tensor => concatAlong(parts, parts[0].shape.length - 1);

function atLeastTwo(inputs: Symbolic[], exactly: number | null, { what }: LayerContext): void {
  if (exactly !== null ? inputs.length !== exactly : inputs.length < 2) {
    throw new MalformedFileError(`${what}: merges ${exactly ?? 'at least 2'} inputs, is called on ${inputs.length}`);
  }
}

function sameShapes(inputs: Symbolic[], skipAxis: number | null, { what }: LayerContext): void {
  const [first] = inputs;
  const fits = (s: Shape) => s.length === first.shape.length && s.every((d, i) => i === skipAxis || d === null || first.shape[i] === null || d === first.shape[i]);
  const bad = inputs.find((input) => !fits(input.shape));
  if (bad) throw new MalformedFileError(`${what}: inputs of shapes ${inputs.map((i) => describeShape(i.shape)).join(', ')} do not match${skipAxis === null ? '' : ` outside axis ${skipAxis}`}`);
}

/** Whether a combination of these inputs' masks is defined here, and refused where TF.js' is wrong. */
function maskedOutput(inputs: Symbolic[], dialect: Dialect, concatenate: boolean, { what }: LayerContext): boolean {
  if (!inputs.some((i) => i.masked)) return false;
  if (dialect === 'tfjs') throw new UnsupportedError(`${what}: TF.js does not combine the masks of merged inputs correctly; masked inputs to merge layers are not supported for TF.js models`);
  // Keras 3's element-wise merges drop the mask when one input has none; its Concatenate keeps every step then.
  return dialect === 'keras2' || concatenate || inputs.every((i) => i.masked);
}

function combinedMask(values: Value[], masked: boolean, dialect: Dialect): Uint8Array | null {
  if (!masked) return null;
  const masks = values.map((v) => v.mask);
  const shape = values[0].tensor.shape.slice(0, -1);
  if (dialect === 'keras3') return combine(masks.map((m) => m ?? new Uint8Array(sizeOf(shape)).fill(1)), shape, 'or');
  return combine(masks.filter((m): m is Uint8Array => m !== null), shape, 'and');
}

type Combine = (values: Tensor[]) => Tensor;

function fold(op: 'Add' | 'Sub' | 'Mul'): Combine {
  return (values) => values.slice(1).reduce((acc, v) => ops.binary({ op, a: acc.data, aShape: acc.shape, b: v.data, bShape: v.shape }), values[0]);
}

function elementwise(combineValues: Combine, exactly: number | null = null): LayerKind {
  return {
    parse(_config, context) {
      return {
        roles: [],
        supportsMasking: true,
        summary: {},
        build(inputs, _weights, context: BuildContext): BuiltLayer {
          atLeastTwo(inputs, exactly, context);
          sameShapes(inputs, null, context);
          const masked = maskedOutput(inputs, context.dialect, false, context);
          return {
            outputs: [{ shape: inputs[0].shape, masked }],
            call(values: Value[]) {
              checkRunShapes(values, null, context);
              return [{ tensor: combineValues(values.map((v) => v.tensor)), mask: combinedMask(values, masked, context.dialect) }];
            },
          };
        },
      };
    },
  };
}

function checkRunShapes(values: Value[], skipAxis: number | null, { what }: LayerContext): void {
  const first = values[0].tensor.shape;
  const bad = values.find((v) => v.tensor.shape.length !== first.length || v.tensor.shape.some((d, i) => i !== skipAxis && d !== first[i]));
  if (bad) throw new ShapeError(`${what}: inputs of shapes ${values.map((v) => `[${v.tensor.shape.join(', ')}]`).join(', ')} do not match`);
}

export const AddLayer = elementwise(fold('Add'));
export const SubtractLayer = elementwise(fold('Sub'), 2);
export const MultiplyLayer = elementwise(fold('Mul'));
export const AverageLayer = elementwise((values) => {
  const sum = fold('Add')(values);
  return ops.binary({ op: 'Mul', a: sum.data, aShape: sum.shape, b: Float32Array.of(1 / values.length), bShape: [] });
});

function concatMask(values: Value[], axis: number, rank: number, dialect: Dialect): Uint8Array | null {
  const shapes = values.map((v) => v.tensor.shape.slice(0, -1));
  const masks = values.map((v, i) => v.mask ?? new Uint8Array(sizeOf(shapes[i])).fill(1));
  // Along the last axis every input covers the same steps: their masks combine; along another they join.
  if (axis === rank - 1) return combine(masks, shapes[0], dialect === 'keras3' ? 'or' : 'and');
  const joined = concatAlong(masks.map((m, i) => ({ data: new Float32Array(m), shape: shapes[i] })), axis);
  return new Uint8Array(joined.data);
}

export const ConcatenateLayer: LayerKind = {
  parse(config, context) {
    const axis = config.axis ?? -1;
    if (typeof axis !== 'number' || !Number.isSafeInteger(axis)) throw new MalformedFileError(`${context.what}: config.axis must be an integer, got ${describe(axis)}`, { base: 'TypeError' });
    return {
      roles: [],
      supportsMasking: true,
      summary: { axis },
      build(inputs, _weights, context): BuiltLayer {
        if (inputs.length < 1) throw new MalformedFileError(`${context.what}: is called on no inputs`);
        const rank = inputs[0].shape.length;
        const at = axis < 0 ? axis + rank : axis;
        if (at < 1 || at >= rank) throw new MalformedFileError(`${context.what}: axis ${axis} is not a non-batch axis of inputs ${describeShape(inputs[0].shape)}`);
        sameShapes(inputs, at, context);
        const masked = maskedOutput(inputs, context.dialect, true, context);
        const shape = inputs[0].shape.slice();
        shape[at] = inputs.every((i) => i.shape[at] !== null) ? inputs.reduce((n, i) => n + (i.shape[at] as number), 0) : null;
        return {
          outputs: [{ shape, masked }],
          call(values: Value[]) {
            checkRunShapes(values, at, context);
            const tensor = concatAlong(values.map((v) => v.tensor), at);
            return [{ tensor, mask: masked ? concatMask(values, at, rank, context.dialect) : null }];
          },
        };
      },
    };
  },
};
