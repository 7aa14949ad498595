// The batch rules of the layers around an RNN: elementwise operators broadcast, products, reductions,
// normalizations. Each answers null unless a slice of the batch surely gives the same slice of the
// outputs: a fixed operand (weights, constants) may not vary along the batch axis, a reduction or a
// normalization may not run across it, and the weights of a product must be fixed.
import {
  batched, constantIntegers, isBatched, normalized, normalizedAll, type BatchFact, type Batched, type Constants, type Facts, type Rule,
} from './batch-facts';
import type { PlannedNode } from './graph';

/** Integer arithmetic on shape vectors that do not hold the batch size gives another such vector. */
function batchFreeSizes(inputs: Facts, constants: Constants): BatchFact | null {
  let length: number | null = null;
  for (const [i, fact] of inputs.entries()) {
    if (!fact) continue;
    let own: number | null;
    if (fact.kind === 'sizes') {
      if (fact.batchAt.length > 0) return null;
      own = fact.length;
    } else if (fact.kind === 'fixed' && constants[i] && constants[i]!.shape.length <= 1) {
      own = constants[i]!.shape.length === 0 ? null : constants[i]!.shape[0];
    } else {
      return null;
    }
    if (own !== null && length !== null && own !== length && own !== 1 && length !== 1) return null;
    if (own !== null && (length === null || length === 1)) length = own;
  }
  return { kind: 'sizes', length, batchAt: [] };
}

/**
 * Operands broadcast together (numpy): the batched ones must put the batch on one output axis, and
 * every fixed one must be 1 or absent there.
 */
function broadcast(inputs: Facts, constants: Constants): BatchFact | null {
  const batchedOnes = inputs.filter(isBatched);
  if (batchedOnes.length === 0) return batchFreeSizes(inputs, constants);
  const fixedShapes: number[][] = [];
  for (const [i, fact] of inputs.entries()) {
    if (!fact || isBatched(fact)) continue;
    const shape = fact.kind === 'fixed' ? constants[i]?.shape : undefined;
    if (!shape) return null;
    fixedShapes.push(shape);
  }
  const rank = Math.max(...batchedOnes.map((f) => f.rank), ...fixedShapes.map((s) => s.length));
  const axis = batchedOnes[0].axis + rank - batchedOnes[0].rank;
  if (batchedOnes.some((f) => f.axis + rank - f.rank !== axis)) return null;
  const constantAlongBatch = fixedShapes.every((shape) => {
    const at = axis - (rank - shape.length);
    return at < 0 || shape[at] === 1;
  });
  return constantAlongBatch ? batched(axis, rank) : null;
}

const elementwise: Rule = (node, inputs, constants) => {
  const fact = broadcast(inputs, constants);
  return fact ? node.outputs.map(() => fact) : null;
};

/** Operators of one tensor with scalar settings as further inputs (Clip's min and max, Dropout's ratio). */
const first: Rule = (node, [x, ...rest], constants) => {
  if (rest.some((fact) => fact && fact.kind !== 'fixed')) return null;
  const fact = broadcast([x], constants.slice(0, 1));
  return fact ? node.outputs.map(() => fact) : null;
};

/** A fixed operand's dimension `at` (from the right of its batch axes) is 1 or absent. */
function freeAt(shape: readonly number[], axis: number, rank: number): boolean {
  const at = axis - (rank - shape.length);
  return at < 0 || at >= shape.length - 2 || shape[at] === 1;
}

/** x [..., M, K] batched outside K times fixed weights [..., K, N]. */
function rowsTimesWeights(x: Batched, weights: readonly number[]): BatchFact | null {
  if (x.rank === 1 || x.axis === x.rank - 1) return null;
  if (weights.length === 1) return batched(x.axis, x.rank - 1);
  const rank = Math.max(x.rank, weights.length);
  const axis = x.axis + rank - x.rank;
  return x.axis === x.rank - 2 || freeAt(weights, axis, rank) ? batched(axis, rank) : null;
}

/** Fixed [..., M, K] times x [..., K, N] batched outside K. */
function weightsTimesColumns(weights: readonly number[], x: Batched): BatchFact | null {
  if (x.rank === 1 || x.axis === x.rank - 2) return null;
  if (weights.length === 1) return x.axis === x.rank - 1 ? batched(x.rank - 2, x.rank - 1) : batched(x.axis, x.rank - 1);
  const rank = Math.max(x.rank, weights.length);
  const axis = x.axis + rank - x.rank;
  return x.axis === x.rank - 1 || freeAt(weights, axis, rank) ? batched(axis, rank) : null;
}

const matMul: Rule = (_, [a, b], constants) => {
  if (isBatched(a) && b?.kind === 'fixed' && constants[1]) return wrap(rowsTimesWeights(a, constants[1].shape));
  if (a?.kind === 'fixed' && constants[0] && isBatched(b)) return wrap(weightsTimesColumns(constants[0].shape, b));
  if (isBatched(a) && isBatched(b) && a.rank > 2 && b.rank > 2) {
    const rank = Math.max(a.rank, b.rank);
    const axis = a.axis + rank - a.rank;
    return a.axis < a.rank - 2 && b.axis < b.rank - 2 && b.axis + rank - b.rank === axis ? [batched(axis, rank)] : null;
  }
  return null;
};

const wrap = (fact: BatchFact | null) => (fact ? [fact] : null);

/** Gemm: the rows of A (its columns when transposed) are the batch; B and C are fixed, C the same for every row. */
const gemm: Rule = (node, [a, b, c], constants) => {
  const rowsAxis = node.attributes.int('transA', 0) === 1 ? 1 : 0;
  if (!isBatched(a) || a.axis !== rowsAxis || a.rank !== 2 || b?.kind !== 'fixed') return null;
  if (c && (c.kind !== 'fixed' || !constants[2] || (constants[2].shape.length === 2 && constants[2].shape[0] !== 1))) return null;
  return [batched(0, 2)];
};

/** The axes a reduction runs over: an attribute, or a constant input (ReduceSum since 13, all since 18); [] when none. */
function reducedAxes(node: PlannedNode, constants: Constants): number[] | null {
  const attribute = node.attributes.ints('axes');
  if (attribute) return attribute;
  if (!node.inputs[1]) return [];
  return constantIntegers(constants[1]);
}

function keptAxis(x: Batched, axes: number[], keepDims: boolean): BatchFact | null {
  if (axes.includes(x.axis)) return null;
  return keepDims ? x : batched(x.axis - axes.filter((a) => a < x.axis).length, x.rank - axes.length);
}

const reduce: Rule = (node, [x], constants) => {
  const given = reducedAxes(node, constants);
  if (!isBatched(x) || !given) return null;
  if (given.length === 0) return node.attributes.int('noop_with_empty_axes', 0) === 1 ? [x] : null;
  const axes = normalizedAll(given, x.rank);
  return axes ? wrap(keptAxis(x, axes, node.attributes.int('keepdims', 1) === 1)) : null;
};

const argReduce: Rule = (node, [x]) => {
  const axis = isBatched(x) ? normalized(node.attributes.int('axis', 0), x.rank) : null;
  return isBatched(x) && axis !== null ? wrap(keptAxis(x, [axis], node.attributes.int('keepdims', 1) === 1)) : null;
};

/** Before opset 13 softmax runs over every axis from `axis` (default 1) on; since, over `axis` (default -1) alone. */
const softmax: Rule = (node, [x]) => {
  if (!isBatched(x)) return null;
  const coerced = node.opset < 13;
  const axis = normalized(node.attributes.int('axis', coerced ? 1 : -1), x.rank);
  if (axis === null) return null;
  return (coerced ? x.axis < axis : x.axis !== axis) ? [x] : null;
};

/** LayerNormalization runs over the axes from `axis` on; Scale and B must not vary along the batch. */
const layerNormalization: Rule = (node, [x, ...parameters], constants) => {
  if (!isBatched(x) || parameters.some((fact) => fact && fact.kind !== 'fixed')) return null;
  const axis = normalized(node.attributes.int('axis', -1), x.rank);
  if (axis === null || x.axis >= axis || !broadcast([x, ...parameters], constants)) return null;
  return node.outputs.map(() => x);
};

/** BatchNormalization (inference) scales each channel (axis 1) by fixed statistics. */
const batchNormalization: Rule = (node, [x, ...parameters]) => {
  if (!isBatched(x) || x.axis === 1 || parameters.some((fact) => fact?.kind !== 'fixed')) return null;
  return [x];
};

/** Flatten at axis 1 keeps axis 0 as it is. */
const flatten: Rule = (node, [x]) => {
  if (!isBatched(x) || x.axis !== 0) return null;
  const axis = node.attributes.int('axis', 1);
  return axis === 1 || axis === 1 - x.rank ? [batched(0, 2)] : null;
};

const ELEMENTWISE = [
  'Abs', 'Add', 'And', 'Div', 'Elu', 'Equal', 'Erf', 'Exp', 'Gelu', 'Greater', 'GreaterOrEqual', 'HardSigmoid', 'HardSwish',
  'LeakyRelu', 'Less', 'LessOrEqual', 'Log', 'Max', 'Min', 'Mish', 'Mul', 'Neg', 'Not', 'Or', 'Pow', 'PRelu', 'Reciprocal',
  'Relu', 'Selu', 'Sigmoid', 'Softplus', 'Softsign', 'Sqrt', 'Sub', 'Tanh', 'ThresholdedRelu', 'Where', 'Xor',
];

export const LAYER_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ...ELEMENTWISE.map((op): [string, Rule] => [op, elementwise]),
  ['Clip', first], ['Dropout', first], ['MatMul', matMul], ['Gemm', gemm],
  ['ReduceMean', reduce], ['ReduceSum', reduce], ['ReduceMax', reduce], ['ReduceMin', reduce],
  ['ArgMax', argReduce], ['ArgMin', argReduce], ['Softmax', softmax], ['LogSoftmax', softmax],
  ['LayerNormalization', layerNormalization], ['BatchNormalization', batchNormalization], ['Flatten', flatten],
]);
