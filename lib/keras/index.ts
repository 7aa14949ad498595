// Keras-style layers.
export { SimpleRNN, type SimpleRNNCallOptions, type SimpleRNNOptions } from './simple-rnn';
export { Dense, type DenseActivation, type DenseOptions } from './dense';
