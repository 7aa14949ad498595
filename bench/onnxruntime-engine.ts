// onnxruntime-node (CPU execution provider) running the ONNX export of the same model. It is a
// devDependency, so an installed vanilla-rnn may not have it: the bench then reports it as missing.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type * as OnnxRuntime from 'onnxruntime-node';
import type { Engine, EngineOutputs } from './engine';
import { ONNX_INPUT, ONNX_OUTPUT, ONNX_STATE, onnxRnnModel } from './onnx-rnn-model';
import type { Workload } from './workload';

export type OnnxRuntimeModule = typeof OnnxRuntime;

export function loadOnnxruntime(): OnnxRuntimeModule | null {
  try {
    return require('onnxruntime-node') as OnnxRuntimeModule;
  } catch {
    return null;
  }
}

export function onnxruntimeVersion(ort: OnnxRuntimeModule): string {
  return ort.env.versions.node ?? ort.env.versions.common;
}

export async function createOnnxruntimeEngine(ort: OnnxRuntimeModule, workload: Workload, threads: number,
  modelDir: string): Promise<Engine> {
  const { config } = workload;
  const file = path.join(modelDir, `${config.name}.onnx`);
  await fs.writeFile(file, onnxRnnModel(config, workload.weights));
  const session = await ort.InferenceSession.create(file, {
    executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = { [ONNX_INPUT]: new ort.Tensor('float32', workload.input, [config.steps, config.batch, config.inputSize]) };
  // No preallocated fetches: each run allocates its outputs, as a user's call does (and vanilla-rnn's).
  let last: EngineOutputs = { output: new Float32Array(0), hn: new Float32Array(0) };
  return {
    run: async () => {
      const results = await session.run(feeds);
      last = { output: results[ONNX_OUTPUT].data as Float32Array, hn: results[ONNX_STATE].data as Float32Array };
    },
    outputs: () => last,
    dispose: () => session.release(),
  };
}
