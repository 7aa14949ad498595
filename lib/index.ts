// The public API of vanilla-rnn.
export { RNN, RNNStream } from './rnn';
export type {
  AsyncForwardOptions, Direction, ForwardOptions, LoadStateDictOptions, LoadStateDictResult, RNNConfig, RNNOptions, RNNOutput,
  ResolvedActivation, StreamOptions,
} from './rnn';
export type { OrtTensorLike, Tensor, TensorLike } from './tensor';
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
export type { BatchAxes, Dim, ElementType, Feeds, LoadModelOptions, Model, ModelFormat, ValueMetadata } from './model';
export type { WrittenFile } from './batch-run/outputs';
export { concatNpy, concatShards } from './batch-run/concat';
export type { ConcatOptions } from './batch-run/concat';
export { parseShardFileName, shardFileName, shardRange } from './batch-run/shards';
export type { SequenceRange, ShardName } from './batch-run/shards';
export { createBatchWorker } from './batch-queue/worker';
export type { BatchWorkerOptions } from './batch-queue/worker';
export { enqueueShards, waitForJobs } from './batch-queue/producer';
export type { EnqueuedShards, EnqueueShardsOptions, JobsProgress } from './batch-queue/producer';
export type { BatchJobData, BatchJobResult } from './batch-queue/job';
export type { QueueConnection } from './batch-queue/connection';
export { decodeNpy, encodeNpy, readNpy, writeNpy } from './formats/npy';
export { openNpy } from './formats/npy-file';
export type { NpyFile } from './formats/npy-file';
export { createNpyWriter } from './formats/npy-writer';
export type { NpyWriter, NpyWriterOptions } from './formats/npy-writer';
export { decodeSafetensors, readSafetensors } from './formats/safetensors';
export type { Safetensors } from './formats/safetensors';
export { DisposedError, MalformedFileError, ShapeError, UnsupportedError } from './errors';
export type { ErrorBase, ErrorCode, VanillaRnnError } from './errors';
