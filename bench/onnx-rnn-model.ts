// An ONNX model computing the same stacked RNN as vanilla-rnn, shaped as torch.onnx.export writes
// nn.RNN: one RNN node per layer, then Squeeze (one direction) or Transpose + Reshape (two) to get
// [T, B, nd·H] for the next layer, with Y_h of every layer concatenated into hn.
import type { Tensor } from 'vanilla-rnn';
import { type BenchConfig, layerInputSize, numDirections } from './configs';
import {
  ATTRIBUTE_INT, ATTRIBUTE_INTS, ATTRIBUTE_STRING, ONNX_FLOAT, ONNX_INT64, onnxModelType,
} from './onnx-schema';

const OPSET = 17;
const IR_VERSION = 8; // the IR version that goes with opset 17

export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';
export const ONNX_STATE = 'hn';

interface Graph {
  node: object[];
  initializer: object[];
}

type Weights = Record<string, Tensor>;

function floatTensor(name: string, dims: number[], data: Float32Array): object {
  return { name, dims, dataType: ONNX_FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function int64Tensor(name: string, values: number[]): object {
  const data = BigInt64Array.from(values.map(BigInt));
  return { name, dims: [values.length], dataType: ONNX_INT64, rawData: new Uint8Array(data.buffer) };
}

function valueInfo(name: string, dims: number[]): object {
  return { name, type: { tensorType: { elemType: ONNX_FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } };
}

/** The directions' tensors of one role stacked, as ONNX wants them: [nd, ...]. */
function stacked(weights: Weights, config: BenchConfig, name: (suffix: string) => string[]): Float32Array {
  const suffixes = numDirections(config) === 2 ? ['', '_reverse'] : [''];
  const parts = suffixes.flatMap((suffix) => name(suffix).map((key) => weights[key].data));
  const result = new Float32Array(parts.reduce((size, part) => size + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

/** Adds layer `layer` reading `x`, writing its final state to `yh`; returns the name of its Y. */
function addRnnLayer(graph: Graph, config: BenchConfig, weights: Weights, layer: number, x: string, yh: string): string {
  const nd = numDirections(config);
  const h = config.hiddenSize;
  const at = (suffix: string) => `_l${layer}${suffix}`;
  const [w, r, b, y] = ['W', 'R', 'B', 'Y'].map((role) => `${role}_l${layer}`);
  graph.initializer.push(
    floatTensor(w, [nd, h, layerInputSize(config, layer)], stacked(weights, config, (s) => [`weight_ih${at(s)}`])),
    floatTensor(r, [nd, h, h], stacked(weights, config, (s) => [`weight_hh${at(s)}`])),
    floatTensor(b, [nd, 2 * h], stacked(weights, config, (s) => [`bias_ih${at(s)}`, `bias_hh${at(s)}`])),
  );
  graph.node.push({
    name: `rnn_l${layer}`, opType: 'RNN', input: [x, w, r, b], output: [y, yh],
    attribute: [
      { name: 'hidden_size', type: ATTRIBUTE_INT, i: h },
      { name: 'direction', type: ATTRIBUTE_STRING, s: Buffer.from(nd === 2 ? 'bidirectional' : 'forward') },
    ],
  });
  return y;
}

/** Y [T, nd, B, H] -> [T, B, nd·H], the next layer's input (or the model's output). */
function addDirectionMerge(graph: Graph, config: BenchConfig, layer: number, y: string, merged: string): void {
  if (numDirections(config) === 1) {
    const axes = `squeeze_axes_l${layer}`;
    graph.initializer.push(int64Tensor(axes, [1]));
    graph.node.push({ name: `squeeze_l${layer}`, opType: 'Squeeze', input: [y, axes], output: [merged] });
    return;
  }
  const transposed = `Y_tbdh_l${layer}`;
  const shape = `merge_shape_l${layer}`;
  graph.initializer.push(int64Tensor(shape, [0, 0, -1]));
  graph.node.push(
    { name: `transpose_l${layer}`, opType: 'Transpose', input: [y], output: [transposed],
      attribute: [{ name: 'perm', type: ATTRIBUTE_INTS, ints: [0, 2, 1, 3] }] },
    { name: `reshape_l${layer}`, opType: 'Reshape', input: [transposed, shape], output: [merged] },
  );
}

function addLayers(graph: Graph, config: BenchConfig, weights: Weights): void {
  const layers = config.numLayers;
  const states = Array.from({ length: layers }, (_, layer) => (layers === 1 ? ONNX_STATE : `Y_h_l${layer}`));
  let x = ONNX_INPUT;
  for (let layer = 0; layer < layers; layer++) {
    const y = addRnnLayer(graph, config, weights, layer, x, states[layer]);
    x = layer === layers - 1 ? ONNX_OUTPUT : `X_l${layer + 1}`;
    addDirectionMerge(graph, config, layer, y, x);
  }
  if (layers > 1) {
    graph.node.push({ name: 'concat_hn', opType: 'Concat', input: states, output: [ONNX_STATE],
      attribute: [{ name: 'axis', type: ATTRIBUTE_INT, i: 0 }] });
  }
}

/** The bytes of an .onnx file for the config's model with the given PyTorch state_dict. */
export function onnxRnnModel(config: BenchConfig, weights: Weights): Uint8Array {
  const { steps: t, batch: b, inputSize: d, hiddenSize: h } = config;
  const nd = numDirections(config);
  const graph: Graph = { node: [], initializer: [] };
  addLayers(graph, config, weights);
  const model = {
    irVersion: IR_VERSION,
    producerName: 'vanilla-rnn bench',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: 'vanilla_rnn_bench', ...graph,
      input: [valueInfo(ONNX_INPUT, [t, b, d])],
      output: [valueInfo(ONNX_OUTPUT, [t, b, nd * h]), valueInfo(ONNX_STATE, [config.numLayers * nd, b, h])],
    },
  };
  const type = onnxModelType();
  return type.encode(type.fromObject(model)).finish();
}
