// One measurement of the streaming bench in a process of its own, so that its peak RSS is its own:
//   stream <model> <input> <outDir> [batchSize]   runModelOnFiles over the whole file
//   memory <model> <input> <batchSize>           model.run over the same parts, the input in memory
// Prints one JSON line: { seconds, sequences, runs, batchSize, maxRssBytes }.
import { loadModel, openNpy, runModelOnFiles, type Tensor } from 'vanilla-rnn';

interface Measurement {
  seconds: number;
  sequences: number;
  runs: number;
  batchSize: number;
  maxRssBytes: number;
}

async function streaming(modelFile: string, input: string, outDir: string, batchSize: number | undefined): Promise<Omit<Measurement, 'maxRssBytes'>> {
  const model = await loadModel(modelFile);
  const result = await runModelOnFiles(model, { inputs: { [model.inputNames[0]]: input }, outDir, ...(batchSize && { batchSize }) });
  return { seconds: result.seconds, sequences: result.sequences ?? 0, runs: result.runs, batchSize: result.batchSize ?? result.sequences ?? 0 };
}

/** Every part's model.run, on parts read into memory before the clock starts (the first part's data for each full part). */
async function inMemory(modelFile: string, input: string, batchSize: number): Promise<Omit<Measurement, 'maxRssBytes'>> {
  const model = await loadModel(modelFile);
  const name = model.inputNames[0];
  const axis = model.batchAxes!.inputs[name];
  const file = await openNpy(input);
  const sequences = file.shape[axis];
  const full = await file.readSlab(axis, 0, Math.min(batchSize, sequences));
  const rest = sequences % batchSize;
  const last: Tensor | null = rest > 0 && sequences > batchSize ? await file.readSlab(axis, sequences - rest, rest) : null;
  await file.close();
  const runs = Math.ceil(sequences / batchSize);
  const start = performance.now();
  for (let run = 0; run < runs; run++) {
    const part = run === runs - 1 && last ? last : full;
    await model.run({ [name]: part });
  }
  return { seconds: (performance.now() - start) / 1000, sequences, runs, batchSize };
}

async function main(): Promise<void> {
  const [mode, modelFile, input, third, fourth] = process.argv.slice(2);
  const measured = mode === 'stream'
    ? await streaming(modelFile, input, third, fourth ? Number(fourth) : undefined)
    : await inMemory(modelFile, input, Number(third));
  console.log(JSON.stringify({ ...measured, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
