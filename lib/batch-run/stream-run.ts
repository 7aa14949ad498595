// The streaming run: a range of the batch in parts of batchSize sequences, each part read from the
// input files with positioned reads (every input along its own batch axis), run, and written where
// it belongs in the output files, through a small pipeline so that reading, computing and writing
// overlap. Memory holds a few parts, whatever the size of the files.
import type { NpyFile } from '../formats/npy-file';
import type { BatchAxes, Model } from '../model';
import { formatShape, type Tensor } from '../tensor';
import { OutputFiles, wholeShape, type WrittenFile } from './outputs';
import { runPipeline } from './pipeline';
import type { SequenceRange } from './shards';

export interface StreamedRun {
  model: Model;
  files: Map<string, NpyFile>;
  axes: BatchAxes;
  range: SequenceRange;
  batchSize: number;
  /** Output name -> the file it goes to, for the names the model's outputs have. */
  pathsFor: (names: string[]) => Map<string, string>;
  onProgress?: (done: number, total: number) => void;
  onCleanup?: (removed: string[]) => void;
  signal?: AbortSignal;
}

type Outputs = Record<string, Tensor>;

/** Part i: where it starts in the input and how many sequences it holds (one empty part for an empty range). */
function partBounds(run: StreamedRun, part: number): { start: number; count: number } {
  const start = run.range.start + part * run.batchSize;
  return { start, count: Math.min(run.batchSize, run.range.end - start) };
}

async function readPart(run: StreamedRun, part: number): Promise<Outputs> {
  const { start, count } = partBounds(run, part);
  const entries = await Promise.all([...run.files].map(async ([name, file]) => [name, await file.readSlab(run.axes.inputs[name], start, count)] as const));
  return Object.fromEntries(entries);
}

function checkPartOutputs(outputs: Outputs, run: StreamedRun, count: number): void {
  for (const [name, tensor] of Object.entries(outputs)) {
    const axis = run.axes.outputs[name];
    if (axis !== undefined && tensor.shape[axis] !== count) {
      throw new Error(`output '${name}' ${formatShape(tensor.shape)} of a part of ${count} sequences does not hold ${count} along its batch axis ${axis}`);
    }
  }
}

function wholeShapes(outputs: Outputs, run: StreamedRun, sequences: number): Map<string, number[]> {
  return new Map(Object.entries(outputs).map(([name, t]) => [name, wholeShape(name, t.shape, run.axes.outputs[name], sequences)]));
}

export async function runStreamed(run: StreamedRun): Promise<{ written: WrittenFile[]; runs: number }> {
  const sequences = run.range.end - run.range.start;
  const runs = Math.max(1, Math.ceil(sequences / run.batchSize));
  let outputs: OutputFiles | null = null;
  try {
    run.onProgress?.(0, sequences);
    await runPipeline<Outputs, Outputs>(runs, {
      read: (part) => readPart(run, part),
      compute: async (feeds, part) => {
        const result = await run.model.run(feeds);
        checkPartOutputs(result, run, partBounds(run, part).count);
        // The first part tells the outputs' shapes: every file's header is written before its data.
        outputs ??= await OutputFiles.open(wholeShapes(result, run, sequences), run.pathsFor(Object.keys(result)));
        return result;
      },
      write: async (result, part) => {
        const at = partBounds(run, part).start - run.range.start;
        await Promise.all(Object.entries(result).map(([name, tensor]) => outputs!.writer(name).writeSlab(run.axes.outputs[name], at, tensor)));
      },
      computed: (part) => {
        const { start, count } = partBounds(run, part);
        run.onProgress?.(start + count - run.range.start, sequences);
      },
    }, { signal: run.signal });
    return { written: await (outputs as OutputFiles | null)!.commit(), runs };
  } catch (error) {
    const removed = await (outputs as OutputFiles | null)?.abort() ?? [];
    if (removed.length > 0) run.onCleanup?.(removed);
    throw error;
  }
}
