// The built-in example models of `vanilla-rnn demo`: small enough to read, real enough to check.
import type { RNNOptions, Tensor } from '../index';

export interface DemoModel {
  title: string;
  story: string;
  options: RNNOptions;
  weights: Record<string, number[]>;
  input: Tensor;
  /** Turns one sequence's input rows into something readable, when the input is symbolic. */
  describeSequence?: (rows: number[][]) => string;
}

const HELLO_VOCABULARY = 'helo';

function oneHot(words: string[]): Tensor {
  const steps = words[0].length;
  const data = new Float32Array(steps * words.length * HELLO_VOCABULARY.length);
  words.forEach((word, b) => [...word].forEach((char, t) => {
    data[(t * words.length + b) * HELLO_VOCABULARY.length + HELLO_VOCABULARY.indexOf(char)] = 1;
  }));
  return { data, shape: [steps, words.length, HELLO_VOCABULARY.length] };
}

// Batch-first input whose row (b, t) is `values[b][t]` repeated `width` times.
function constantRows(values: number[][], width: number): Tensor {
  const data = Float32Array.from(values.flat().flatMap((v) => Array<number>(width).fill(v)));
  return { data, shape: [values.length, values[0].length, width] };
}

export const DEMO_MODELS: DemoModel[] = [
  {
    title: 'hello: one-hot characters through torch.manual_seed(0); nn.RNN(4, 2)',
    story: 'Five 3-character sequences over the vocabulary "helo", time-major [T=3, B=5, D=4].',
    options: { inputSize: 4, hiddenSize: 2 },
    weights: {
      weight_ih_l0: [-0.00529398117, 0.379322886, -0.581980765, -0.520387471, -0.272345245, 0.18961589, -0.0140100336, 0.560657501],
      weight_hh_l0: [-0.0627515167, 0.187109336, -0.213696912, -0.138992712],
      bias_ih_l0: [-0.675533414, -0.468304157],
      bias_hh_l0: [-0.291485757, 0.0261937603],
    },
    input: oneHot(['hel', 'eol', 'lle', 'lle', 'oll']),
    describeSequence: (rows) => `"${rows.map((row) => HELLO_VOCABULARY[row.indexOf(1)]).join('')}"`,
  },
  {
    title: 'integer ReLU: hand-set integer weights, exact results',
    story: 'ReLU, no bias, W_ih = [[1,0,1,0,1],[0,1,0,1,1]], W_hh = all ones; batch-first [B=2, T=3, D=5]. '
      + 'Every value is an integer, so the output is exact: [[3,3],[12,12],[33,33]] and [[9,9],[24,24],[51,51]].',
    options: { inputSize: 5, hiddenSize: 2, nonlinearity: 'relu', bias: false, batchFirst: true },
    weights: {
      weight_ih_l0: [1, 0, 1, 0, 1, 0, 1, 0, 1, 1],
      weight_hh_l0: [1, 1, 1, 1],
    },
    input: constantRows([[1, 2, 3], [3, 2, 1]], 5),
  },
];
