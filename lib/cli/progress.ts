// What `run` tells on stderr while it works and when it is done: a progress bar (cli-progress) when
// stderr is a terminal, and always a throughput line. stdout keeps only the files written.
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  update(sequences: number): void;
  stop(): void;
}

export type ErrorStream = NodeJS.WritableStream & { isTTY?: boolean };

/** A bar over `total` sequences; nothing at all when `stream` is a pipe or a file, whose readers want lines. */
export function progressBar(total: number, stream: ErrorStream): Progress {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    stream,
    format: 'running [{bar}] {percentage}% | {value}/{total} sequences | ETA {eta_formatted}',
    clearOnComplete: true,
  }, Presets.shades_classic);
  bar.start(total, 0);
  return { update: (sequences) => bar.update(sequences), stop: () => bar.stop() };
}

export interface RunSummary {
  /** null when the model does not tell how many sequences the input holds. */
  sequences: number | null;
  runs: number;
  /** The most sequences one run took, when the input ran in parts. */
  batchSize?: number;
  seconds: number;
}

function rate(perSecond: number): string {
  return perSecond >= 100 ? String(Math.round(perSecond)) : perSecond.toPrecision(3);
}

export function throughputLine({ sequences, runs, batchSize, seconds }: RunSummary): string {
  const how = batchSize === undefined ? `${runs} run` : `${runs} runs of up to ${batchSize}`;
  const time = `${(seconds * 1000).toFixed(2)} ms`;
  if (sequences === null) return `throughput: the whole input in ${how}, ${time} (sequences not counted: the batch axis is unknown)`;
  return `throughput: ${sequences} sequences in ${how}, ${time}, ${rate(sequences / seconds)} sequences/s`;
}
