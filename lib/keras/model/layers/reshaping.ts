// Keras Flatten and Reshape: the same values under another shape (the batch kept first). Neither
// takes masks.
import { MalformedFileError, ShapeError, UnsupportedError } from '../../../errors';
import { formatShape, sizeOf } from '../../../tensor';
import { describe } from '../../../tensor';
import { oneOf, type LayerContext } from '../fields';
import { describeShape, one, type BuiltLayer, type LayerKind, type Shape, type Value } from '../layer';

const product = (dims: Shape): number | null => (dims.every((d) => d !== null) ? sizeOf(dims as number[]) : null);

export const FlattenLayer: LayerKind = {
  parse(config, context) {
    const format = oneOf(config, 'data_format', ['channels_last', 'channels_first'] as const, 'channels_last', context);
    return {
      roles: [],
      supportsMasking: false,
      summary: {},
      build(inputs, _weights, context): BuiltLayer {
        const input = one(inputs, context);
        if (format === 'channels_first' && input.shape.length > 2) throw new UnsupportedError(`${context.what}: data_format channels_first is not supported`);
        return {
          outputs: [{ shape: [input.shape[0], product(input.shape.slice(1))], masked: false }],
          call: ([x]: Value[]) => [{ tensor: { data: x.tensor.data, shape: [x.tensor.shape[0], sizeOf(x.tensor.shape.slice(1))] }, mask: null }],
        };
      },
    };
  },
};

function targetShape(value: unknown, { what }: LayerContext): number[] {
  if (!Array.isArray(value) || value.length === 0) throw new MalformedFileError(`${what}: config.target_shape must be a list of dimensions, got ${describe(value)}`, { base: 'TypeError' });
  const dims = value.map((d) => {
    if (d !== -1 && (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1)) throw new MalformedFileError(`${what}: config.target_shape ${JSON.stringify(value)} must hold positive integers and at most one -1`);
    return d as number;
  });
  if (dims.filter((d) => d === -1).length > 1) throw new MalformedFileError(`${what}: config.target_shape ${JSON.stringify(value)} has more than one -1`);
  return dims;
}

/** The target shape for `size` elements per sample, its -1 worked out; null when they do not fit. */
function resolve(target: number[], size: number): number[] | null {
  const known = target.filter((d) => d !== -1).reduce((n, d) => n * d, 1);
  if (!target.includes(-1)) return known === size ? target : null;
  return size % known === 0 ? target.map((d) => (d === -1 ? size / known : d)) : null;
}

export const ReshapeLayer: LayerKind = {
  parse(config, context) {
    const target = targetShape(config.target_shape, context);
    return {
      roles: [],
      supportsMasking: false,
      summary: { targetShape: target },
      build(inputs, _weights, context): BuiltLayer {
        const input = one(inputs, context);
        const size = product(input.shape.slice(1));
        const resolved = size === null ? target.map((d) => (d === -1 ? null : d)) : resolve(target, size);
        if (!resolved) throw new MalformedFileError(`${context.what}: cannot reshape ${describeShape(input.shape)} to [batch, ${target.join(', ')}]`);
        return {
          outputs: [{ shape: [input.shape[0], ...resolved], masked: false }],
          call([x]: Value[]) {
            const dims = resolve(target, sizeOf(x.tensor.shape.slice(1)));
            if (!dims) throw new ShapeError(`${context.what}: cannot reshape ${formatShape(x.tensor.shape)} to [batch, ${target.join(', ')}]`);
            return [{ tensor: { data: x.tensor.data, shape: [x.tensor.shape[0], ...dims] }, mask: null }];
          },
        };
      },
    };
  },
};
