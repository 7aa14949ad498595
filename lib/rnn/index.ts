// PyTorch's nn.RNN and its stream.
export {
  RNN, type AsyncForwardOptions, type ForwardOptions, type LoadStateDictOptions, type LoadStateDictResult, type RNNOutput,
} from './rnn';
export type { Direction, RNNConfig, RNNOptions, ResolvedActivation } from './config';
export { checkSequenceSize } from './call-checks';
export { RNNStream, type StreamOptions } from './stream';
