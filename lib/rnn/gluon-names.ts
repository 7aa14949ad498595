// MXNet Gluon's rnn_layer parameter names ({prefix}l0_i2h_weight, r0_h2h_bias, ...) as PyTorch's.
// Gluon stores the same shapes as PyTorch ([H, in], [H, H], [H], [H]); only the names differ.

const GLUON_NAME = /^(.*?)([lr])(\d+)_(i2h|h2h)_(weight|bias)$/;

function pytorchName(match: RegExpMatchArray): string {
  const [, , direction, layer, connection, kind] = match;
  return `${kind}_${connection === 'i2h' ? 'ih' : 'hh'}_l${layer}${direction === 'r' ? '_reverse' : ''}`;
}

/**
 * Renames a dict whose every key is a Gluon name with one common prefix; any other dict is returned
 * as is, so mixed or foreign names are reported by the usual missing/unexpected-key check.
 */
export function fromGluonNames<T>(dict: Record<string, T>): Record<string, T> {
  const entries = Object.entries(dict);
  const matches = entries.map(([name]) => name.match(GLUON_NAME));
  if (entries.length === 0 || matches.some((m) => m === null)) return dict;
  const prefixes = new Set(matches.map((m) => m![1]));
  if (prefixes.size !== 1) return dict;
  return Object.fromEntries(entries.map(([, value], i) => [pytorchName(matches[i]!), value]));
}
