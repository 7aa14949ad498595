// Keras' Dense layer: y = act(x kernel + bias) over the last axis, one sgemm for all rows.
import { kerasActivation } from '../activations';
import { denseForward } from '../native/dense';
import { checkOptionsObject, oneOf, optionalBoolean, positiveInteger } from '../options';
import { randomSeed } from '../random';
import { formatShape, sizeOf, toTensor, type Tensor, type TensorLike } from '../tensor';
import { glorotUniform, seededUniform } from './initializers';
import { copyWeightList } from './weights';

export type DenseActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

export interface DenseOptions {
  units: number;
  activation?: DenseActivation;
  useBias?: boolean;
  /** The input feature size, to build the layer before the first call. */
  inputDim?: number;
  seed?: number;
}

interface DenseWeights {
  kernel: Float32Array;
  bias: Float32Array | null;
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
    if (o.inputDim !== undefined) {
      const inDim = positiveInteger(o.inputDim, 'inputDim');
      this.build(inDim, this.initialWeights(inDim));
    }
  }

  get inputDim(): number | undefined {
    return this.kernel ? this.in : undefined;
  }

  /** Keras order: kernel [in, units], bias [units]. */
  setWeights(weights: Array<TensorLike | Float32Array>): void {
    const names = this.useBias ? ['kernel', 'bias'] : ['kernel'];
    const { inputDim, copies: [kernel, bias] } = copyWeightList(weights, names, 'Dense', this.inputDim,
      (inDim) => [[inDim, this.units], [this.units]]);
    this.build(inputDim, { kernel, bias: bias ?? null });
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
    const inDim = this.checkInputShape(x.shape);
    // Keras builds the layer on its first call; a first call that fails leaves it unbuilt.
    const weights = this.kernel ? { kernel: this.kernel, bias: this.bias } : this.initialWeights(inDim);
    const rows = sizeOf(x.shape.slice(0, -1));
    const output = new Float32Array(rows * this.units);
    const activation = this.activation === 'softmax' ? 'Softmax' : kerasActivation(this.activation, 'activation');
    denseForward({ input: x.data, rows, inputSize: inDim, kernel: weights.kernel, bias: weights.bias, units: this.units, activation, output });
    if (!this.kernel) this.build(inDim, weights);
    return { data: output, shape: [...x.shape.slice(0, -1), this.units] };
  }

  /** The feature size of x [..., in]: at least 1, and the layer's own once it is built. */
  private checkInputShape(shape: number[]): number {
    if (shape.length === 0) throw new RangeError('x: expected shape [..., in], got a scalar');
    const inDim = shape[shape.length - 1];
    if (this.kernel ? inDim !== this.in : inDim === 0) {
      throw new RangeError(`x: expected shape [..., ${this.kernel ? this.in : 'in >= 1'}], got ${formatShape(shape)}`);
    }
    return inDim;
  }

  /** Keras' initial weights for inputs of `inDim` features. */
  private initialWeights(inDim: number): DenseWeights {
    return { kernel: glorotUniform(inDim, this.units, seededUniform(this.seed)), bias: this.useBias ? new Float32Array(this.units) : null };
  }

  private build(inDim: number, weights: DenseWeights): void {
    this.in = inDim;
    this.kernel = weights.kernel;
    this.bias = weights.bias;
  }
}
