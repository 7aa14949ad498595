// Dense layers on the addon's sgemm: output [rows, units] = act(input kernel + bias).
import { addon, type DenseCall } from './binding';

export function denseForward(call: DenseCall): void {
  addon.dense(call);
}
