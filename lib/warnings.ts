// Warnings the package emits when it must assume something a file does not say, through Node's
// process.emitWarning: listeners see them as 'warning' events of type VanillaRnnWarning, and
// Node prints them on stderr unless told not to (--no-warnings).

export const WARNING_TYPE = 'VanillaRnnWarning';

export type WarningCode =
  /** nonlinearity or batch_first not in the file and not given: the defaults were used. */
  | 'VANILLA_RNN_ASSUMED_CONFIG'
  /** The nn.RNN was found inside a larger state_dict: only it runs. */
  | 'VANILLA_RNN_PARTIAL_MODEL';

export function warn(message: string, code: WarningCode): void {
  process.emitWarning(message, { type: WARNING_TYPE, code });
}
