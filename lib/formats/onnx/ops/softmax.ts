// Softmax and LogSoftmax. Before opset 13 the input is coerced to 2-D at `axis` (default 1) and
// normalized over everything from that axis on; since 13 over that one axis (default -1). The
// exporter only writes the last axis, where the two agree; a file may give another.
import { logSoftmax, softmax } from '../../../native/ops';
import { sizeOf } from '../../../tensor';
import { floatData, native, newFloats } from '../native-call';
import { operator, required, type Operator } from '../op';
import { floatValue, normalizeAxis } from '../value';

function softmaxOperator(log: boolean): Operator {
  return operator([1, 1], [1, 1], ({ attributes, label, opset }) => {
    attributes.allowOnly(['axis']);
    const coerced = opset < 13;
    const axisAttribute = attributes.int('axis', coerced ? 1 : -1);
    return (inputs, budget) => {
      const x = required(inputs, 0);
      const data = floatData(x, label, 'input');
      const axis = normalizeAxis(axisAttribute, x.shape.length, label);
      const outer = sizeOf(x.shape.slice(0, axis));
      const sizes = coerced
        ? { outer, axisSize: sizeOf(x.shape.slice(axis)), inner: 1 }
        : { outer, axisSize: x.shape[axis], inner: sizeOf(x.shape.slice(axis + 1)) };
      const output = newFloats(budget, data.length, label);
      native(label, () => (log ? logSoftmax : softmax)({ x: data, ...sizes, output }));
      return [floatValue(x.shape, output)];
    };
  });
}

export const Softmax = softmaxOperator(false);
export const LogSoftmax = softmaxOperator(true);
