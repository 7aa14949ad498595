// Keras' Dense layer: y = act(x kernel + bias) over the last axis, one sgemm for all rows.
import { kerasActivation } from '../activations';
import { addon } from '../native';
import { checkOptionsObject, oneOf, optionalBoolean, positiveInteger } from '../options';
import { randomSeed } from '../random';
import { formatShape, toTensor, type Tensor, type TensorLike } from '../tensor';
import { glorotUniform, seededUniform } from './initializers';
import { checkWeightList } from './weights';

export type DenseActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

export interface DenseOptions {
  units: number;
  activation?: DenseActivation;
  useBias?: boolean;
  /** The input feature size, to build the layer before the first call. */
  inputDim?: number;
  seed?: number;
}

const ACTIVATIONS: DenseActivation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

export class Dense {
  readonly units: number;
  readonly activation: DenseActivation;
  readonly useBias: boolean;
  private readonly seed: number;
  private kernel: Float32Array | null = null;
  private bias: Float32Array | null = null;
  private in = 0;

  constructor(options: DenseOptions) {
    const o = checkOptionsObject(options, ['units', 'activation', 'useBias', 'inputDim', 'seed'], 'Dense options');
    this.units = positiveInteger(o.units, 'units');
    this.activation = oneOf(o.activation, ACTIVATIONS, 'linear', 'activation');
    this.useBias = optionalBoolean(o.useBias, true, 'useBias');
    this.seed = o.seed === undefined ? randomSeed() : (o.seed as number);
    if (o.inputDim !== undefined) this.build(positiveInteger(o.inputDim, 'inputDim'));
  }

  get inputDim(): number | undefined {
    return this.kernel ? this.in : undefined;
  }

  /** Keras order: kernel [in, units], bias [units]. */
  setWeights(weights: Array<TensorLike | Float32Array>): void {
    const first = Array.isArray(weights) && weights.length > 0 ? weights[0] : undefined;
    const inDim = this.inputDim ?? (first instanceof Float32Array ? undefined : toTensor(first, 'Dense.setWeights kernel').shape[0]);
    if (inDim === undefined) throw new RangeError('Dense.setWeights: a bare Float32Array kernel needs inputDim to know its shape');
    const shapes = this.useBias ? [[inDim, this.units], [this.units]] : [[inDim, this.units]];
    const [kernel, bias] = checkWeightList(weights, shapes, ['kernel', 'bias'].slice(0, shapes.length), 'Dense');
    this.in = inDim;
    this.kernel = Float32Array.from(kernel);
    this.bias = bias ? Float32Array.from(bias) : null;
  }

  getWeights(): Tensor[] {
    if (!this.kernel) throw new Error('Dense.getWeights: the layer is not built yet; call setWeights or pass inputDim');
    const weights = [{ data: this.kernel.slice(), shape: [this.in, this.units] }];
    if (this.bias) weights.push({ data: this.bias.slice(), shape: [this.units] });
    return weights;
  }

  /** x [..., in] -> [..., units]. */
  call(input: TensorLike): Tensor {
    const x = toTensor(input, 'x');
    const inDim = x.shape[x.shape.length - 1];
    if (x.shape.length === 0) throw new RangeError('x: expected shape [..., in], got a scalar');
    if (!this.kernel) this.build(inDim);
    if (inDim !== this.in) throw new RangeError(`x: expected shape [..., ${this.in}], got ${formatShape(x.shape)}`);
    const rows = x.data.length / this.in;
    const output = new Float32Array(rows * this.units);
    const softmax = this.activation === 'softmax';
    const act = softmax ? { kind: 0, alpha: 0, beta: 0 } : kerasActivation(this.activation, 'activation');
    addon.dense(x.data, rows, this.in, this.kernel!, this.bias, this.units, softmax ? 'softmax' : act.kind, act.alpha, act.beta, output);
    return { data: output, shape: [...x.shape.slice(0, -1), this.units] };
  }

  private build(inDim: number): void {
    this.in = inDim;
    this.kernel = glorotUniform(inDim, this.units, seededUniform(this.seed));
    this.bias = this.useBias ? new Float32Array(this.units) : null;
  }
}
