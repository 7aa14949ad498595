// Small ONNX files whose constant folding would create gigabytes: each node's output is only a few
// bytes of shape in the file, and chains let one node's result feed the next.
import { INT64, modelBytes, node, tensor, valueInfo } from './onnx-builder';

const shapeOf = (name: string, dims: number[]) => tensor(name, [dims.length], dims, INT64);
const int64Fill = { value: { tensor: tensor('', [1], [1], INT64) } };

/** Three ConstantOfShape in a row, each asking for more than the last: 2^24, 2^28, 2^31 - 1 elements. */
export function chainedConstantOfShape(): Uint8Array {
  return modelBytes({
    nodes: [
      node('ConstantOfShape', ['s1'], ['a'], {}, '/A'),
      node('ConstantOfShape', ['s2'], ['b'], {}, '/B'),
      node('ConstantOfShape', ['s3'], ['c'], {}, '/C'),
    ],
    initializers: [shapeOf('s1', [2 ** 24]), shapeOf('s2', [2 ** 28]), shapeOf('s3', [2 ** 31 - 1])],
    inputs: [], outputs: [valueInfo('c', null)],
  });
}

/** 60 ConstantOfShape of 2^24 int64 each. */
export function manyConstantOfShape(count = 60): Uint8Array {
  return modelBytes({
    nodes: Array.from({ length: count }, (_, i) => node('ConstantOfShape', ['s'], [`c${i}`], int64Fill, `/C${i}`)),
    initializers: [shapeOf('s', [2 ** 24])],
    inputs: [], outputs: [valueInfo(`c${count - 1}`, null)],
  });
}

/** A Concat of one 2^24-element constant with itself 120 times. */
export function repeatedConcat(times = 120): Uint8Array {
  return modelBytes({
    nodes: [node('ConstantOfShape', ['s'], ['c'], {}, '/C'), node('Concat', new Array(times).fill('c'), ['y'], { axis: 0 }, '/Concat')],
    initializers: [shapeOf('s', [2 ** 24])],
    inputs: [], outputs: [valueInfo('y', null)],
  });
}
