// Matching a layer's weight roles to weights a file names (TF.js' manifest, Keras 2's weight_names):
// the name's last part is the role ("kernel", "kernel:0"), and a Bidirectional's directions are
// told by a part starting with forward_ or backward_.
import type { WeightRole } from '../../keras/model/description';

const DIRECTIONS: Record<string, string> = { forward_layer: 'forward_', backward_layer: 'backward_' };

/** Whether the weight named `name` (parts split by '/') can be the weight of `role`. */
export function nameFits(name: string, role: WeightRole): boolean {
  const parts = name.split('/');
  if (parts[parts.length - 1].replace(/:\d+$/, '') !== role.name) return false;
  const direction = DIRECTIONS[role.scope[0]];
  if (!direction) return !parts.slice(0, -1).some((p) => p.startsWith('forward_') || p.startsWith('backward_'));
  return parts.slice(0, -1).some((p) => p.startsWith(direction));
}

export function describeRole(role: WeightRole): string {
  return [...role.scope, role.name].join('/');
}
