// The described layers built as the Keras SimpleRNN and Dense classes, their weights found by the
// layer's name in the manifest and the chain's shapes checked while the model loads.
import { Dense, SimpleRNN } from '../../keras';
import { formatShape, type Tensor } from '../../tensor';
import type { LayerSpec } from './topology';

export type BuiltLayer = { spec: LayerSpec; layer: SimpleRNN | Dense; parameters: number };

/** `layer/kernel`, or `layer/cell/kernel` as Python Keras names it; never `recurrent_kernel` for `kernel`. */
function weightFor(weights: Map<string, Tensor>, used: Set<string>, layer: string, role: string, label: string): Tensor {
  const names = [...weights.keys()].filter((n) => n.startsWith(`${layer}/`) && n.endsWith(`/${role}`));
  if (names.length !== 1) {
    throw new RangeError(`${label}: layer "${layer}" needs one weight named ${layer}/.../${role}, the manifest has ${names.length === 0 ? 'none' : names.join(', ')}`);
  }
  used.add(names[0]);
  return weights.get(names[0])!;
}

function construct(spec: LayerSpec): SimpleRNN | Dense {
  if (spec.kind === 'Dense') {
    return new Dense({ units: spec.units as number, activation: spec.activation as 'linear', useBias: spec.useBias });
  }
  const { units, activation, useBias, returnSequences, returnState, goBackwards } = spec;
  return new SimpleRNN({ units: units as number, activation, useBias, returnSequences, returnState, goBackwards });
}

interface Flow {
  rank: number;
  width: number | null;
}

/** Builds each layer and checks that the rank and width it receives are the ones it takes. */
export function buildLayers(specs: LayerSpec[], weights: Map<string, Tensor>, inputWidth: number | null, label: string): BuiltLayer[] {
  const used = new Set<string>();
  const flow: Flow = { rank: 3, width: inputWidth };
  const built = specs.map((spec) => {
    const what = `${label}: layer "${spec.name}" (${spec.kind})`;
    if (spec.kind === 'SimpleRNN' && flow.rank !== 3) throw new RangeError(`${what} receives [batch, ${flow.width}] from a layer without return_sequences; SimpleRNN needs [batch, time, features]`);
    const roles = [...(spec.kind === 'SimpleRNN' ? ['kernel', 'recurrent_kernel'] : ['kernel']), ...(spec.useBias ? ['bias'] : [])];
    const tensors = roles.map((role) => weightFor(weights, used, spec.name, role, label));
    const kernelRows = tensors[0].shape[0];
    if (flow.width !== null && tensors[0].shape.length === 2 && kernelRows !== flow.width) {
      throw new RangeError(`${what}: its kernel ${formatShape(tensors[0].shape)} takes ${kernelRows} features, its input has ${flow.width}`);
    }
    let layer: SimpleRNN | Dense;
    try {
      layer = construct(spec);
      layer.setWeights(tensors);
    } catch (error) {
      throw new RangeError(`${what}: ${(error as Error).message}`);
    }
    flow.width = layer.units;
    if (spec.kind === 'SimpleRNN' && !spec.returnSequences) flow.rank = 2;
    return { spec, layer, parameters: tensors.reduce((n, t) => n + t.data.length, 0) };
  });
  const unused = [...weights.keys()].filter((n) => !used.has(n));
  if (unused.length > 0) throw new RangeError(`${label}: weights not used by any layer: ${unused.join(', ')}`);
  return built;
}
