// A whole model as a PyTorch user exports it: the char-RNN of test/fixtures/torch-onnx/make_fixtures.py
// (Embedding -> 2-layer RNN -> Linear -> log_softmax; vocabulary 64, H = 256) over token ids
// [B = 32, T = 100], run from the same .onnx file by vanilla-rnn's loadModel and by onnxruntime-node.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { loadModel } from 'vanilla-rnn';
import { compareOutputs, type Agreement } from './agreement';
import type { OnnxRuntimeModule } from './onnxruntime-engine';
import type { BenchPolicy } from './policies';
import { timeInRounds, type Timing } from './timing';

export interface WholeModelResult {
  name: string;
  file: string;
  vocabulary: number;
  hiddenSize: number;
  steps: number;
  batch: number;
  vanilla: Timing;
  onnxruntime: Timing | null;
  /** onnxruntime's median over vanilla-rnn's. */
  onnxruntimeOverVanilla: number | null;
  agreement: Agreement | null;
}

/** How --only names the whole-model row. */
export const WHOLE_MODEL_NAME = 'char_rnn_onnx';

const CHAR_RNN = { name: 'char-RNN', file: 'char-rnn.onnx', vocabulary: 64, hiddenSize: 256, steps: 100, batch: 32 };

/** bench/models, from the sources (bench/) or the compiled bench (bench/dist/bench/). */
function modelPath(file: string): string {
  const candidates = [path.resolve(__dirname, 'models', file), path.resolve(__dirname, '..', '..', 'models', file)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`bench: the whole-model file ${file} is in none of ${candidates.join(', ')}`);
  return found;
}

/** Deterministic token ids, the same for both engines. */
function tokenIds(count: number, vocabulary: number): BigInt64Array {
  let state = 12345;
  return BigInt64Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return BigInt(state % vocabulary);
  });
}

export async function benchWholeModel(ort: OnnxRuntimeModule | null, threads: number, policy: BenchPolicy,
  settle: () => Promise<void>): Promise<WholeModelResult> {
  const { batch, steps, vocabulary } = CHAR_RNN;
  const file = modelPath(CHAR_RNN.file);
  const ids = tokenIds(batch * steps, vocabulary);
  const model = await loadModel(file);
  const feeds = { ids: { data: ids, shape: [batch, steps] } } as never;
  let ours: Float32Array = new Float32Array(0);
  let theirs: Float32Array = new Float32Array(0);
  const calls = [{ call: async () => { ours = (await model.run(feeds)).logp.data; } }];
  const session = ort ? await ort.InferenceSession.create(file, {
    executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  }) : null;
  try {
    if (ort && session) {
      const ortFeeds = { ids: new ort.Tensor('int64', ids, [batch, steps]) };
      calls.push({ call: async () => { theirs = (await session.run(ortFeeds)).logp.data as Float32Array; } });
    }
    const [vanilla, onnxruntime] = await timeInRounds(calls, policy.timing, { rounds: policy.rounds, settle });
    const empty = new Float32Array(0);
    return {
      ...CHAR_RNN, file: path.basename(file), vanilla, onnxruntime: onnxruntime ?? null,
      onnxruntimeOverVanilla: onnxruntime ? onnxruntime.medianMs / vanilla.medianMs : null,
      agreement: session ? compareOutputs({ output: ours, hn: empty }, { output: theirs, hn: empty }) : null,
    };
  } finally {
    await session?.release();
  }
}

export function formatWholeModels(results: readonly WholeModelResult[], formatTime: (ms: number) => string): string[] {
  const row = (r: WholeModelResult) => {
    const ratio = r.onnxruntimeOverVanilla === null ? '–' : `${r.onnxruntimeOverVanilla.toPrecision(3)}×`;
    const agree = r.agreement === null ? '–' : r.agreement.ok ? 'yes' : `**no**: max error ${r.agreement.maxAbsError.toExponential(1)}`;
    return `| ${r.name} (V = ${r.vocabulary}, H = ${r.hiddenSize}, T = ${r.steps}, B = ${r.batch}) | ${formatTime(r.vanilla.medianMs)} | `
      + `${r.onnxruntime ? formatTime(r.onnxruntime.medianMs) : '–'} | ${ratio} | ${agree} |`;
  };
  return ['', 'Whole models, the same torch.onnx.export file (bench/models) through loadModel and through an onnxruntime-node session, taking turns:', '',
    '| model | vanilla-rnn | onnxruntime-node | onnxruntime / vanilla-rnn | outputs agree |', '|---|---:|---:|---:|---|', ...results.map(row)];
}
