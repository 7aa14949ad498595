// The ONNX RNN node's attributes as RNN class options.
import { MalformedFileError } from '../../../errors';
import { onnxActivation, onnxParameterUse, type ActivationSpec } from '../../../activations';
import type { Direction } from '../../../rnn';
import type { Attributes } from '../attributes';

export interface RnnAttributes {
  direction: Direction;
  numDirections: number;
  activations: ActivationSpec[];
  clip: number | undefined;
  layout: 0 | 1;
  hiddenSize: number | undefined;
}

const ALLOWED = ['activation_alpha', 'activation_beta', 'activations', 'clip', 'direction', 'hidden_size', 'layout'];
const DIRECTIONS: Direction[] = ['forward', 'reverse', 'bidirectional'];

/**
 * activation_alpha and activation_beta are consumed in the order of the activations, each activation
 * taking only the parameters it uses; one the lists do not reach keeps the standalone operator's default.
 * Entries left over are ignored, as onnxruntime does.
 */
function resolveActivations(names: string[], alphas: number[], betas: number[], label: string): ActivationSpec[] {
  let nextAlpha = 0;
  let nextBeta = 0;
  return names.map((name, i) => {
    const uses = onnxParameterUse(name);
    const spec: ActivationSpec = { name };
    if (uses.alpha && nextAlpha < alphas.length) spec.alpha = alphas[nextAlpha++];
    if (uses.beta && nextBeta < betas.length) spec.beta = betas[nextBeta++];
    onnxActivation(spec, `${label} activations[${i}]`); // refuses unknown names while the model loads
    return spec;
  });
}

export function readRnnAttributes(attributes: Attributes, label: string): RnnAttributes {
  attributes.allowOnly(ALLOWED);
  const direction = (attributes.string('direction') ?? 'forward') as Direction;
  if (!DIRECTIONS.includes(direction)) {
    throw new MalformedFileError(`${label}: attribute 'direction' must be forward, reverse or bidirectional, got '${direction}'`);
  }
  const numDirections = direction === 'bidirectional' ? 2 : 1;
  const names = attributes.strings('activations') ?? Array<string>(numDirections).fill('Tanh');
  if (names.length !== numDirections) {
    throw new MalformedFileError(`${label}: attribute 'activations' must list ${numDirections} activation(s) for direction ${direction}, got ${names.length}`);
  }
  const layout = attributes.int('layout', 0);
  if (layout !== 0 && layout !== 1) throw new MalformedFileError(`${label}: attribute 'layout' must be 0 or 1, got ${layout}`);
  const clip = attributes.float('clip');
  if (clip !== undefined && !(clip > 0)) throw new MalformedFileError(`${label}: attribute 'clip' must be positive, got ${clip}`);
  return {
    direction,
    numDirections,
    activations: resolveActivations(names, attributes.floats('activation_alpha') ?? [], attributes.floats('activation_beta') ?? [], label),
    clip,
    layout,
    hiddenSize: attributes.int('hidden_size'),
  };
}
