// The operators the interpreter runs: those torch.onnx.export (opsets 9-17) writes around nn.RNN
// (nn.Linear, nn.Embedding, activations, softmax, pooling over time, normalization, masks,
// indexing and the shape arithmetic between them), and RNN.
import type { Operator } from '../op';
import {
  Abs, Clip, Elu, Erf, Exp, Gelu, HardSigmoid, HardSwish, LeakyRelu, Log, Mish, Neg, Reciprocal, Relu, Selu, Sigmoid,
  Softplus, Softsign, Sqrt, Tanh, ThresholdedRelu,
} from './activations';
import { Add, Div, Max, Min, Mul, Pow, PRelu, Sub } from './arithmetic';
import { Cast, Constant, ConstantOfShape, Dropout, Identity } from './constants';
import { Concat, Gather, Slice, Transpose } from './indexing';
import { And, Equal, Greater, GreaterOrEqual, Less, LessOrEqual, Not, Or, Where, Xor } from './logic';
import { Gemm, MatMul } from './matmul';
import { BatchNormalization, LayerNormalization } from './normalization';
import { ArgMax, ArgMin, ReduceMax, ReduceMean, ReduceMin, ReduceSum } from './reduce';
import { RnnOperator } from './rnn';
import { Expand, Flatten, Reshape, Shape, Squeeze, Unsqueeze } from './shape';
import { LogSoftmax, Softmax } from './softmax';

export const OPERATORS: ReadonlyMap<string, Operator> = new Map<string, Operator>(Object.entries({
  Abs, Add, And, ArgMax, ArgMin, BatchNormalization, Cast, Clip, Concat, Constant, ConstantOfShape, Div, Dropout, Elu,
  Equal, Erf, Exp, Expand, Flatten, Gather, Gelu, Gemm, Greater, GreaterOrEqual, HardSigmoid, HardSwish, Identity,
  LayerNormalization, LeakyRelu, Less, LessOrEqual, Log, LogSoftmax, MatMul, Max, Min, Mish, Mul, Neg, Not, Or, Pow,
  PRelu, Reciprocal, ReduceMax, ReduceMean, ReduceMin, ReduceSum, Relu, Reshape, RNN: RnnOperator, Selu, Shape,
  Sigmoid, Slice, Softmax, Softplus, Softsign, Sqrt, Squeeze, Sub, Tanh, ThresholdedRelu, Transpose, Unsqueeze, Where, Xor,
}));
