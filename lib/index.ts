// The public API of vanilla-rnn.
export { RNN, RNNStream } from './rnn';
export type {
  AsyncForwardOptions, Direction, ForwardOptions, RNNConfig, RNNOptions, RNNOutput, ResolvedActivation, StreamOptions,
} from './rnn';
export type { Tensor, TensorLike } from './tensor';
export type { ActivationSpec } from './activations';
export { SimpleRNN, Dense } from './keras';
export type { SimpleRNNOptions, SimpleRNNCallOptions, SimpleRNNResult, DenseOptions, DenseActivation } from './keras';
export { getKernelPath, getNumThreads, setKernelPath, setNumThreads, supportedKernelPaths } from './native/runtime';
export type { KernelPath } from './native/runtime';
export { createBatcher } from './batching/batcher';
export type { Batcher, BatcherOptions, BatcherRunOptions } from './batching/batcher';
export { loadModel } from './model';
export { runModelOnFiles } from './batch-run/run-files';
export type { RunFilesOptions, RunFilesResult } from './batch-run/run-files';
export type { BatchAxes, Dim, Feeds, LoadModelOptions, Model, ModelFormat } from './model';
export { decodeNpy, encodeNpy, readNpy, writeNpy } from './formats/npy';
export { decodeSafetensors, readSafetensors } from './formats/safetensors';
export type { Safetensors } from './formats/safetensors';
