// The activations as the kernel takes them, by name across the boundary (mapped once in
// native/binding/enum_names.cc): the RNN's, and the ops' elementwise ones.

/** The kernel's activations: the ONNX RNN set, plus Keras' selu. */
export type ActivationName = 'Tanh' | 'Relu' | 'Sigmoid' | 'Affine' | 'LeakyRelu' | 'ThresholdedRelu' | 'ScaledTanh'
  | 'HardSigmoid' | 'Elu' | 'Softsign' | 'Softplus' | 'Selu';

/** An activation with its parameters resolved (those it does not use are 0). */
export interface KernelActivation {
  name: ActivationName;
  alpha: number;
  beta: number;
}
