// The public API of vanilla-rnn.
export { RNN } from './rnn';
export type { AsyncForwardOptions, Direction, ForwardOptions, RNNConfig, RNNOptions, RNNOutput } from './rnn';
export type { Tensor, TensorLike } from './tensor';
export type { ActivationSpec } from './activations';
export { RNNStream } from './stream';
export type { StreamOptions } from './stream';
export { SimpleRNN, Dense } from './keras';
export type { SimpleRNNOptions, SimpleRNNCallOptions, DenseOptions, DenseActivation } from './keras';
export { getKernelPath, getNumThreads, setKernelPath, setNumThreads, supportedKernelPaths } from './runtime';
export type { KernelPath } from './runtime';
export { createBatcher } from './batcher';
export type { Batcher, BatcherOptions, BatcherRunOptions } from './batcher';
export { loadModel } from './model';
export type { BatchAxes, Dim, Feeds, LoadModelOptions, Model, ModelFormat } from './model';
export { decodeNpy, encodeNpy, readNpy, writeNpy } from './formats/npy';
export { decodeSafetensors, readSafetensors } from './formats/safetensors';
export type { Safetensors } from './formats/safetensors';
