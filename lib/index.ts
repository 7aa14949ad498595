// The public API of vanilla-rnn.
export { RNN } from './rnn';
export type { Direction, ForwardOptions, RNNConfig, RNNOptions, RNNOutput } from './rnn';
export type { Tensor, TensorLike } from './tensor';
export type { ActivationSpec } from './activations';
