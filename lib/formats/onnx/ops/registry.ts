// The operators the interpreter runs: those torch.onnx.export writes around nn.RNN, and RNN.
import type { Operator } from '../op';
import { Cast, Constant, ConstantOfShape, Identity } from './constants';
import { Concat, Gather, Slice, Transpose } from './indexing';
import { RnnOperator } from './rnn';
import { Expand, Reshape, Shape, Squeeze, Unsqueeze } from './shape';

export const OPERATORS: ReadonlyMap<string, Operator> = new Map<string, Operator>([
  ['Cast', Cast], ['Concat', Concat], ['Constant', Constant], ['ConstantOfShape', ConstantOfShape],
  ['Expand', Expand], ['Gather', Gather], ['Identity', Identity], ['Reshape', Reshape], ['RNN', RnnOperator],
  ['Shape', Shape], ['Slice', Slice], ['Squeeze', Squeeze], ['Transpose', Transpose], ['Unsqueeze', Unsqueeze],
]);
