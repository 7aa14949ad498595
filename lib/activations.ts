// Activation names of PyTorch (nonlinearity), ONNX (activations with alpha/beta) and Keras,
// mapped onto the kernel's activations with each framework's default parameters.
import type { ActivationName, KernelActivation } from './native/kernel-activation';
import { describe, formatValue } from './tensor';

/** An activation with its parameters; `alpha` and `beta` default as in the ONNX operator. */
export interface ActivationSpec {
  name: string;
  alpha?: number;
  beta?: number;
}

interface KindInfo {
  name: ActivationName;
  alpha: number; // the default, for kinds that take it
  beta: number;
  takesAlpha: boolean;
  takesBeta: boolean;
}

function kind(name: ActivationName, alpha?: number, beta?: number): KindInfo {
  return { name, alpha: alpha ?? 0, beta: beta ?? 0, takesAlpha: alpha !== undefined, takesBeta: beta !== undefined };
}

// ONNX names, compared case-insensitively. Defaults are those of the standalone ONNX operators.
const ONNX_KINDS: Record<string, KindInfo> = {
  tanh: kind('Tanh'),
  relu: kind('Relu'),
  sigmoid: kind('Sigmoid'),
  affine: kind('Affine', 1.0, 0.0),
  leakyrelu: kind('LeakyRelu', 0.01),
  thresholdedrelu: kind('ThresholdedRelu', 1.0),
  scaledtanh: kind('ScaledTanh', 1.0, 1.0),
  hardsigmoid: kind('HardSigmoid', 0.2, 0.5),
  elu: kind('Elu', 1.0),
  softsign: kind('Softsign'),
  softplus: kind('Softplus'),
};

// Keras names; hard_sigmoid is Keras 2's (and TF.js') 0.2x + 0.5.
const KERAS_KINDS: Record<string, KindInfo> = {
  tanh: ONNX_KINDS.tanh,
  relu: ONNX_KINDS.relu,
  sigmoid: ONNX_KINDS.sigmoid,
  linear: ONNX_KINDS.affine,
  elu: ONNX_KINDS.elu,
  softsign: ONNX_KINDS.softsign,
  softplus: ONNX_KINDS.softplus,
  hard_sigmoid: ONNX_KINDS.hardsigmoid,
  selu: { name: 'Selu', alpha: 1.6732632423543772, beta: 1.0507009873554805, takesAlpha: false, takesBeta: false },
};

export const ONNX_ACTIVATION_NAMES = ['Relu', 'Tanh', 'Sigmoid', 'Affine', 'LeakyRelu', 'ThresholdedRelu',
  'ScaledTanh', 'HardSigmoid', 'Elu', 'Softsign', 'Softplus'];
export const KERAS_ACTIVATION_NAMES = Object.keys(KERAS_KINDS);

function checkParameter(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${name}: expected a finite number, got ${formatValue(value)}`);
  }
  return value;
}

/** Resolves an ONNX activation (name or { name, alpha, beta }) to the kernel's form. */
export function onnxActivation(spec: string | ActivationSpec, name: string): KernelActivation {
  const given: ActivationSpec = typeof spec === 'string' ? { name: spec } : spec;
  if (typeof given !== 'object' || given === null || typeof given.name !== 'string') {
    throw new TypeError(`${name}: expected an activation name or { name, alpha?, beta? }, got ${formatValue(spec)}`);
  }
  const info = ONNX_KINDS[given.name.toLowerCase()];
  if (!info) {
    throw new RangeError(`${name}: unknown activation "${given.name}"; expected one of ${ONNX_ACTIVATION_NAMES.join(', ')}`);
  }
  const alpha = checkParameter(given.alpha, `${name}.alpha`) ?? info.alpha;
  const beta = checkParameter(given.beta, `${name}.beta`) ?? info.beta;
  return { name: info.name, alpha, beta };
}

/** Which of alpha and beta an ONNX activation consumes from the node's activation_alpha/_beta lists. */
export function onnxParameterUse(activationName: string): { alpha: boolean; beta: boolean } {
  const info = ONNX_KINDS[activationName.toLowerCase()];
  return { alpha: info?.takesAlpha ?? false, beta: info?.takesBeta ?? false };
}

/** Resolves a Keras activation name. */
export function kerasActivation(activation: unknown, name: string): KernelActivation {
  const info = typeof activation === 'string' ? KERAS_KINDS[activation] : undefined;
  if (!info) {
    const got = typeof activation === 'string' ? JSON.stringify(activation) : describe(activation);
    throw new RangeError(`${name}: unknown activation ${got}; expected one of ${KERAS_ACTIVATION_NAMES.join(', ')}`);
  }
  return { name: info.name, alpha: info.alpha, beta: info.beta };
}
