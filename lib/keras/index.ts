// Keras-style layers.
export { SimpleRNN, type SimpleRNNCallOptions, type SimpleRNNOptions, type SimpleRNNResult } from './simple-rnn';
export { Dense, type DenseActivation, type DenseOptions } from './dense';
