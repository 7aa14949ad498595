// The Keras layer classes this package runs, by class name.
import type { LayerKind } from './layer';
import { ActivationLayer } from './layers/activation';
import { BidirectionalLayer } from './layers/bidirectional';
import { DenseLayer } from './layers/dense';
import { EmbeddingLayer } from './layers/embedding';
import { AlphaDropoutLayer, DropoutLayer, GaussianDropoutLayer, GaussianNoiseLayer, SpatialDropout1DLayer } from './layers/inference-identity';
import { MaskingLayer } from './layers/masking';
import { AddLayer, AverageLayer, ConcatenateLayer, MultiplyLayer, SubtractLayer } from './layers/merging';
import { BatchNormalizationLayer, LayerNormalizationLayer } from './layers/normalization';
import { GlobalAveragePooling1DLayer, GlobalMaxPooling1DLayer } from './layers/pooling';
import { FlattenLayer, ReshapeLayer } from './layers/reshaping';
import { SimpleRnnLayer } from './layers/simple-rnn';
import { timeDistributed } from './layers/time-distributed';

const PER_SAMPLE: Record<string, LayerKind> = {
  Dense: DenseLayer,
  Activation: ActivationLayer,
  Dropout: DropoutLayer,
  GaussianNoise: GaussianNoiseLayer,
  GaussianDropout: GaussianDropoutLayer,
  AlphaDropout: AlphaDropoutLayer,
  LayerNormalization: LayerNormalizationLayer,
  BatchNormalization: BatchNormalizationLayer,
  Flatten: FlattenLayer,
};

export const LAYER_KINDS: Record<string, LayerKind> = {
  ...PER_SAMPLE,
  SimpleRNN: SimpleRnnLayer,
  Bidirectional: BidirectionalLayer,
  TimeDistributed: timeDistributed(PER_SAMPLE),
  Embedding: EmbeddingLayer,
  Masking: MaskingLayer,
  SpatialDropout1D: SpatialDropout1DLayer,
  Reshape: ReshapeLayer,
  GlobalAveragePooling1D: GlobalAveragePooling1DLayer,
  GlobalMaxPooling1D: GlobalMaxPooling1DLayer,
  Concatenate: ConcatenateLayer,
  Add: AddLayer,
  Subtract: SubtractLayer,
  Multiply: MultiplyLayer,
  Average: AverageLayer,
};

/** Keras 2 and TF.js also know pooling layers by their short names. */
export const ALIASES: Record<string, string> = { GlobalAvgPool1D: 'GlobalAveragePooling1D', GlobalMaxPool1D: 'GlobalMaxPooling1D' };

export const SUPPORTED_LAYERS = ['InputLayer', ...Object.keys(LAYER_KINDS)].join(', ');
