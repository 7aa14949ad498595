// Keras-style layers.
export { SimpleRNN, type SimpleRNNCallOptions, type SimpleRNNOptions } from './keras/simple-rnn';
export { Dense, type DenseActivation, type DenseOptions } from './keras/dense';
