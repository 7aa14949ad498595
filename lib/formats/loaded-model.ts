// What loadModel hands out, whatever the format: the reader's model with onnxruntime's first-contact
// surface around it: inputMetadata and outputMetadata with dtypes, feeds in onnxruntime's
// { type, data, dims } form, and dispose(), after which every run is refused.
import { DisposedError } from '../errors';
import { formatValue, isOrtTensorLike, type Tensor } from '../tensor';
import type { BatchAxes, Dim, ElementType, Feeds, Model, ModelCore, ModelFormat, ValueMetadata } from './types';

function metadata(names: readonly string[], shapes: Record<string, Dim[] | null>, types: Record<string, ElementType> | undefined): ValueMetadata[] {
  return names.map((name) => ({ name, dtype: types?.[name] ?? 'float32', shape: shapes[name]?.slice() ?? null }));
}

/**
 * One feed in the form the reader takes: an onnxruntime-style tensor becomes { data, shape } once its
 * type is checked against the input's (float32 ones are left to the tensor checks, which take them).
 */
function feedFor(name: string, value: unknown, dtype: ElementType | undefined): unknown {
  if (!isOrtTensorLike(value) || dtype === undefined || dtype === 'float32') return value;
  const { type, data, dims } = value; // each read once
  if (type !== undefined && type !== dtype && !(dtype === 'int64' && type === 'int32')) {
    throw new TypeError(`input '${name}': an onnxruntime-style tensor of type ${typeof type === 'string' ? `'${type}'` : formatValue(type)}; this input is ${dtype}`);
  }
  return { data, shape: dims };
}

export class LoadedModel implements Model {
  readonly format: ModelFormat;
  readonly inputNames: string[];
  readonly optionalInputNames: string[];
  readonly outputNames: string[];
  readonly inputShapes: Record<string, Dim[] | null>;
  readonly outputShapes: Record<string, Dim[] | null>;
  readonly batchAxes: BatchAxes | null;
  readonly config: Record<string, unknown>;
  readonly numParameters: number;
  readonly inputMetadata: ValueMetadata[];
  readonly outputMetadata: ValueMetadata[];
  private core: ModelCore | null;
  private readonly inputTypes: Record<string, ElementType>;

  constructor(core: ModelCore) {
    this.core = core;
    ({
      format: this.format, inputNames: this.inputNames, optionalInputNames: this.optionalInputNames, outputNames: this.outputNames,
      inputShapes: this.inputShapes, outputShapes: this.outputShapes, batchAxes: this.batchAxes, config: this.config, numParameters: this.numParameters,
    } = core);
    this.inputMetadata = metadata(core.inputNames, core.inputShapes, core.valueTypes);
    this.outputMetadata = metadata(core.outputNames, core.outputShapes, core.valueTypes);
    this.inputTypes = Object.fromEntries(this.inputMetadata.map((m) => [m.name, m.dtype]));
  }

  get disposed(): boolean {
    return this.core === null;
  }

  runSync(feeds: Feeds): Record<string, Tensor> {
    return this.live('runSync').runSync(this.converted(feeds));
  }

  run(feeds: Feeds): Promise<Record<string, Tensor>> {
    try {
      return this.live('run').run(this.converted(feeds));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Lets go of the weights (a run already started finishes with them). Idempotent. */
  dispose(): void {
    const core = this.core;
    this.core = null;
    core?.release?.();
  }

  private live(call: string): ModelCore {
    if (this.core === null) throw new DisposedError(`${call}: this ${this.format} model was disposed; load it again to run it`);
    return this.core;
  }

  /** The feeds with onnxruntime-style integer tensors converted; anything else is the reader's to check. */
  private converted(feeds: Feeds): Feeds {
    if (typeof feeds !== 'object' || feeds === null || Array.isArray(feeds) || ArrayBuffer.isView(feeds)) return feeds;
    const entries = Object.keys(feeds).map((name) => [name, feedFor(name, feeds[name], this.inputTypes[name])]);
    return Object.fromEntries(entries) as Feeds;
  }
}
