// Keras activation names (as each dialect writes them) resolved to what computes them: the RNN and
// Dense kernels' fused activations where they have one, else a tensor op after a linear layer.
import { MalformedFileError, UnsupportedError } from '../../errors';
import { kerasActivation } from '../../activations';
import type { KernelActivation } from '../../native/kernel-activation';
import { describe, type Tensor } from '../../tensor';
import type { Dialect } from './description';
import type { LayerContext } from './fields';
import * as ops from '../../native/ops';

export interface Activation {
  name: string;
  /** Fused into the RNN and Dense kernels; null when only a separate op computes it. */
  kernel: KernelActivation | null;
  /** Dense fuses softmax too. */
  dense: KernelActivation | 'Softmax' | null;
  apply(x: Tensor): Tensor;
}

/** TF.js writes a few names in camel case. */
const TFJS_NAMES: Record<string, string> = { hardSigmoid: 'hard_sigmoid', logSoftmax: 'log_softmax' };
const KERNEL_NAMES = ['tanh', 'relu', 'sigmoid', 'linear', 'elu', 'softsign', 'softplus', 'selu'];
const SELU = { alpha: 1.6732632423543772, beta: 1.0507009873554805 };

type OpSpec = { op: ops.UnaryOp; alpha?: number; beta?: number; min?: number; max?: number } | 'softmax' | 'log_softmax';

/** Activations computed by a tensor op, by Keras name. */
function opFor(name: string, dialect: Dialect): OpSpec | null {
  switch (name) {
    case 'linear': return { op: 'Identity' };
    case 'tanh': return { op: 'Tanh' };
    case 'relu': return { op: 'Relu' };
    case 'sigmoid': return { op: 'Sigmoid' };
    case 'elu': return { op: 'Elu', alpha: 1 };
    case 'selu': return { op: 'Selu', ...SELU };
    case 'softplus': return { op: 'Softplus' };
    case 'softsign': return { op: 'Softsign' };
    case 'exponential': return { op: 'Exp' };
    case 'swish': case 'silu': return { op: 'Silu' };
    case 'gelu': return { op: 'Gelu' };
    case 'mish': return { op: 'Mish' };
    case 'relu6': return { op: 'Clip', min: 0, max: 6 };
    case 'hard_sigmoid': return hardSigmoid(dialect);
    case 'hard_silu': case 'hard_swish': return dialect === 'keras3' ? { op: 'HardSwish' } : null;
    case 'leaky_relu': return dialect === 'keras3' ? { op: 'LeakyRelu', alpha: 0.2 } : null;
    case 'softmax': case 'log_softmax': return name;
    default: return null;
  }
}

/** Keras 2 and TF.js: clip(0.2 x + 0.5); Keras 3: relu6(x + 3) / 6. */
function hardSigmoid(dialect: Dialect): OpSpec {
  return { op: 'HardSigmoid', alpha: dialect === 'keras3' ? 1 / 6 : 0.2, beta: 0.5 };
}

/** The name an activation field gives: a string, or Keras 3's serialized function. */
function activationName(value: unknown, dialect: Dialect, { what }: LayerContext, key: string): string {
  if (value === undefined || value === null) return 'linear';
  const name = typeof value === 'object' && !Array.isArray(value) && (value as { class_name?: unknown }).class_name === 'function'
    ? (value as { config?: unknown }).config : value;
  if (typeof name !== 'string') throw new MalformedFileError(`${what}: config.${key} must be an activation name, got ${describe(value)}`, { base: 'TypeError' });
  return dialect === 'tfjs' ? TFJS_NAMES[name] ?? name : name;
}

function applyOp(spec: OpSpec): (x: Tensor) => Tensor {
  if (spec === 'softmax' || spec === 'log_softmax') {
    const run = spec === 'softmax' ? ops.softmax : ops.logSoftmax;
    return (x) => {
      const axisSize = x.shape[x.shape.length - 1];
      return { data: run({ x: x.data, outer: axisSize === 0 ? 0 : x.data.length / axisSize, axisSize, inner: 1 }), shape: x.shape };
    };
  }
  if (spec.op === 'Identity') return (x) => x;
  return (x) => ({ data: ops.unary({ ...spec, x: x.data }), shape: x.shape });
}

export function resolveActivation(value: unknown, dialect: Dialect, context: LayerContext, key = 'activation'): Activation {
  const name = activationName(value, dialect, context, key);
  const spec = opFor(name, dialect);
  if (!spec) throw new UnsupportedError(`${context.what}: config.${key} ${JSON.stringify(name)} is not a supported activation`);
  let kernel: KernelActivation | null = null;
  if (name === 'hard_sigmoid' && typeof spec === 'object') kernel = { name: 'HardSigmoid', alpha: spec.alpha!, beta: spec.beta! };
  else if (KERNEL_NAMES.includes(name)) kernel = kerasActivation(name, key);
  return { name, kernel, dense: name === 'softmax' ? 'Softmax' : kernel, apply: applyOp(spec) };
}
