// Layers that only act while training: Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout and
// AlphaDropout pass their input (and its mask) through at inference.
import { MalformedFileError } from '../../../errors';
import type { Json } from '../description';
import { finiteNumber, rate, type LayerContext } from '../fields';
import { expectRank, one, passThrough, type BuiltLayer, type LayerKind, type Symbolic } from '../layer';

function identityKind(check: (config: Json, context: LayerContext) => Json, ranks?: number[]): LayerKind {
  return {
    parse(config, context) {
      return {
        roles: [],
        supportsMasking: true,
        summary: check(config, context),
        build(inputs: Symbolic[], _weights, context): BuiltLayer {
          const input = one(inputs, context);
          if (ranks) expectRank(input, ranks, context);
          return { outputs: [input], call: (values) => values.map(passThrough) };
        },
      };
    },
  };
}

const withRate = (config: Json, context: LayerContext): Json => ({ rate: rate(config, 'rate', context) });

export const DropoutLayer = identityKind(withRate);
export const SpatialDropout1DLayer = identityKind(withRate, [3]);
export const GaussianDropoutLayer = identityKind(withRate);
export const AlphaDropoutLayer = identityKind(withRate);
export const GaussianNoiseLayer = identityKind((config, context) => {
  const stddev = finiteNumber(config, 'stddev', NaN, context);
  if (stddev < 0) throw new MalformedFileError(`${context.what}: config.stddev must be at least 0, got ${stddev}`);
  return { stddev };
});
