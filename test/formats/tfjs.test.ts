// TF.js Layers models: the tfjs_rnn_dense fixture (Sequential), the same network as a Functional
// chain and with other SimpleRNN configurations, and model.json / shard files that lie.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../lib/model';
import { expectClose, FIXTURES_DIR, loadJson, tensorOf } from '../support/fixtures';
import { referenceForward } from '../support/reference';

const FIXTURE = path.join(FIXTURES_DIR, 'models', 'tfjs_rnn_dense');
const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-tfjs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const fixtureJson = () => JSON.parse(readFileSync(path.join(FIXTURE, 'model.json'), 'utf8'));
const weightsBin = () => new Uint8Array(readFileSync(path.join(FIXTURE, 'weights.bin')));
const expected = () => loadJson('models/tfjs_rnn_dense/expected.json');
let cases = 0;

/** A model directory with an edited model.json and, optionally, other weight bytes. */
function modelDir(edit: (json: any) => void = () => {}, weights: Uint8Array = weightsBin()): string {
  const dir = path.join(scratch, `case-${cases++}`);
  mkdirSync(dir);
  const json = fixtureJson();
  edit(json);
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  writeFileSync(path.join(dir, 'weights.bin'), weights);
  return dir;
}

describe('TF.js: the tfjs_rnn_dense fixture', () => {
  it('matches model.predict, loaded from the directory or from model.json', async () => {
    for (const source of [FIXTURE, path.join(FIXTURE, 'model.json')]) {
      const model = await loadModel(source);
      expect(model.format).toBe('tfjs');
      expect(model.inputNames).toEqual(['simple_rnn_SimpleRNN1_input']);
      expect(model.outputNames).toEqual(['dense_Dense1']);
      const out = await model.run({ simple_rnn_SimpleRNN1_input: tensorOf(expected().input) });
      expect(out.dense_Dense1.shape).toEqual([4, 2]);
      expectClose(out.dense_Dense1.data, tensorOf(expected().output).data, 'output');
      expectClose(model.runSync({ simple_rnn_SimpleRNN1_input: tensorOf(expected().input) }).dense_Dense1.data, tensorOf(expected().output).data, 'output (sync)');
    }
  });

  it('describes the chain, its shapes and its 57 parameters', async () => {
    const model = await loadModel(FIXTURE);
    expect(model.numParameters).toBe(3 * 5 + 5 * 5 + 5 + 5 * 2 + 2);
    expect(model.inputShapes).toEqual({ simple_rnn_SimpleRNN1_input: ['batch', 10, 3] });
    expect(model.outputShapes).toEqual({ dense_Dense1: ['batch', 2] });
    expect(model.config).toMatchObject({
      className: 'Sequential', name: 'sequential_1', keras: 'tfjs', kerasVersion: 'tfjs-layers 4.22.0',
      layers: [
        { className: 'SimpleRNN', name: 'simple_rnn_SimpleRNN1', units: 5, activation: 'tanh', useBias: true, returnSequences: false, returnState: false, goBackwards: false },
        { className: 'Dense', name: 'dense_Dense1', units: 2, activation: 'linear', useBias: true },
      ],
    });
  });

  it('checks the input against batch_input_shape', async () => {
    const model = await loadModel(FIXTURE);
    expect(() => model.runSync({ simple_rnn_SimpleRNN1_input: { data: new Float32Array(4 * 9 * 3), shape: [4, 9, 3] } })).toThrow(/input 'simple_rnn_SimpleRNN1_input': expected shape \[batch, 10, 3\], got \[4, 9, 3\]/);
    expect(() => model.runSync({ x: [] } as never)).toThrow(/feeds: unknown input 'x'; this model's inputs are simple_rnn_SimpleRNN1_input/);
  });
});

describe('TF.js: other topologies and SimpleRNN configurations', () => {
  it('the same network as a linear Functional chain with an InputLayer', async () => {
    const dir = modelDir((json) => {
      const [rnn, dense] = json.modelTopology.config.layers;
      const input = { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 10, 3], dtype: 'float32' }, inbound_nodes: [] };
      delete rnn.config.batch_input_shape;
      json.modelTopology = {
        class_name: 'Functional',
        config: {
          name: 'functional_1',
          layers: [
            input,
            { ...rnn, name: rnn.config.name, inbound_nodes: [[['in', 0, 0, {}]]] },
            { ...dense, name: dense.config.name, inbound_nodes: [[[rnn.config.name, 0, 0, {}]]] },
          ],
          input_layers: [['in', 0, 0]], output_layers: [[dense.config.name, 0, 0]],
        },
      };
    });
    const model = await loadModel(dir);
    expect(model.config).toMatchObject({ className: 'Functional', name: 'functional_1' });
    expect(model.inputNames).toEqual(['in']);
    expectClose(model.runSync({ in: tensorOf(expected().input) }).dense_Dense1.data, tensorOf(expected().output).data, 'output');
  });

  it('a SimpleRNN with return_sequences, return_state and go_backwards gives output and state (Functional; a Sequential is refused)', async () => {
    const rnnOnly = (json: any) => {
      json.modelTopology.config.layers.pop();
      Object.assign(json.modelTopology.config.layers[0].config, { return_sequences: true, return_state: true, go_backwards: true, activation: 'relu' });
      json.weightsManifest[0].weights.splice(3, 2);
    };
    const weights = weightsBin().slice(0, (15 + 25 + 5) * 4);
    await expect(loadModel(modelDir(rnnOnly, weights))).rejects.toThrow(/layer "simple_rnn_SimpleRNN1" \(SimpleRNN\): gives 2 outputs \(return_state\?\); Keras takes only single-output layers in a Sequential model/);
    const dir = modelDir((json) => {
      rnnOnly(json);
      const [rnn] = json.modelTopology.config.layers;
      json.modelTopology = {
        class_name: 'Functional',
        config: {
          name: 'functional_1',
          layers: [
            { class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_input_shape: [null, 10, 3] }, inbound_nodes: [] },
            { ...rnn, name: rnn.config.name, inbound_nodes: [[['x', 0, 0, {}]]] },
          ],
          input_layers: [['x', 0, 0]], output_layers: [[rnn.config.name, 0, 0], [rnn.config.name, 0, 1]],
        },
      };
    }, weights);
    const model = await loadModel(dir);
    expect(model.outputNames).toEqual(['simple_rnn_SimpleRNN1', 'simple_rnn_SimpleRNN1:1']);
    expect(model.outputShapes).toEqual({ simple_rnn_SimpleRNN1: ['batch', 10, 5], 'simple_rnn_SimpleRNN1:1': ['batch', 5] });
    const input = tensorOf(expected().input);
    const { simple_rnn_SimpleRNN1: output, 'simple_rnn_SimpleRNN1:1': state } = model.runSync({ x: input });
    const out = { output, state };
    const w = new Float32Array(weightsBin().buffer.slice(0, 180));
    const transpose = (m: Float32Array, rows: number, cols: number) => Float32Array.from({ length: rows * cols }, (_, i) => m[(i % rows) * cols + Math.floor(i / rows)]);
    const want = referenceForward(
      { inputSize: 3, hiddenSize: 5, numLayers: 1, direction: 'reverse', activations: [{ name: 'relu' }], batchFirst: true },
      [[{ wIh: transpose(w.subarray(0, 15), 3, 5), wHh: transpose(w.subarray(15, 40), 5, 5), bIh: w.subarray(40, 45) }]],
      input.data, 10, 4, { outputInProcessingOrder: true },
    );
    expect(out.output.shape).toEqual([4, 10, 5]);
    expectClose(out.output.data, want.output, 'output');
    expectClose(out.state.data, want.hn, 'state');
  });
});

describe('TF.js: hostile model.json and shards', () => {
  it('weight shards that are missing, short, long, or outside the model directory', async () => {
    const missing = modelDir((json) => { json.weightsManifest[0].paths = ['nope.bin']; });
    await expect(loadModel(missing)).rejects.toThrow(/cannot read weight file 'nope.bin' listed in weightsManifest: ENOENT/);
    await expect(loadModel(modelDir(undefined, weightsBin().slice(0, 200)))).rejects.toThrow(/weightsManifest\[0\]: the weight files hold 200 bytes \('weights.bin' 200\), the weights listed take 228/);
    const longer = new Uint8Array(232);
    longer.set(weightsBin());
    await expect(loadModel(modelDir(undefined, longer))).rejects.toThrow(/weightsManifest\[0\]: weight file 'weights.bin' is 232 bytes, the weights listed leave 228 bytes for it/);
    await expect(loadModel(modelDir((json) => { json.weightsManifest[0].paths = ['../weights.bin']; }))).rejects.toThrow(/weight path "..\/weights.bin" must be relative to the model.json directory, without '..'/);
    await expect(loadModel(modelDir((json) => { json.weightsManifest[0].paths = ['/etc/passwd']; }))).rejects.toThrow(/weight path "\/etc\/passwd" must be relative/);
  });

  it('manifest shapes that overflow or disagree with the layers', async () => {
    await expect(loadModel(modelDir((json) => { json.weightsManifest[0].weights[0].shape = [2 ** 40, 2 ** 40]; }))).rejects.toThrow(/weight 'simple_rnn_SimpleRNN1\/kernel': shape \[1099511627776, 1099511627776\] has more than 2147483647 elements/);
    // Each weight fits, together they would not fit one buffer: refused before a shard is opened.
    await expect(loadModel(modelDir((json) => { json.weightsManifest[0].weights[0].shape = [2 ** 31 - 1]; json.weightsManifest[0].paths = ['missing.bin']; })))
      .rejects.toThrow(/weightsManifest\[0\]: its weights take 8589934756 bytes, more than the \d+ one buffer may hold/);
    await expect(loadModel(modelDir((json) => { json.weightsManifest[0].weights[0].shape = [-3, 5]; }))).rejects.toThrow(/shape\[0\]: expected a non-negative integer dimension, got -3/);
    await expect(loadModel(modelDir((json) => { json.weightsManifest[0].weights[0].shape = [5, 3]; })))
      .rejects.toThrow(/layer "simple_rnn_SimpleRNN1" \(SimpleRNN\): weight kernel has shape \[5, 3\], the layer needs \[3, 5\]/);
    await expect(loadModel(modelDir((json) => { json.weightsManifest[0].weights[3].shape = [2, 5]; })))
      .rejects.toThrow(/layer "dense_Dense1" \(Dense\): weight kernel has shape \[2, 5\], the layer needs \[5, 2\]/);
    await expect(loadModel(modelDir((json) => { json.weightsManifest[0].weights[4].name = 'dense_Dense1/bias_2'; })))
      .rejects.toThrow(/layer "dense_Dense1" needs one weight bias \(named dense_Dense1\/...\/bias\), the manifest has none/);
    await expect(loadModel(modelDir((json) => { json.weightsManifest[0].weights[1].dtype = 'string'; })))
      .rejects.toThrow(/weight 'simple_rnn_SimpleRNN1\/recurrent_kernel': unsupported dtype "string"/);
  });

  it('truncated or foreign model.json, unsupported layers and configurations', async () => {
    const dir = modelDir();
    writeFileSync(path.join(dir, 'model.json'), readFileSync(path.join(FIXTURE, 'model.json')).subarray(0, 500));
    await expect(loadModel(dir)).rejects.toThrow(/model.json: not a valid TF.js model.json \(/);
    await expect(loadModel(modelDir((json) => { json.format = 'graph-model'; }))).rejects.toThrow(/TF.js format "graph-model" is not supported; expected a Layers model/);
    await expect(loadModel(modelDir((json) => { json.modelTopology.config.layers[0].class_name = 'LSTM'; })))
      .rejects.toThrow(/unsupported layer class LSTM \(layer "simple_rnn_SimpleRNN1"\); supported: InputLayer, Dense, /);
    await expect(loadModel(modelDir((json) => { json.modelTopology.config.layers[0].config.stateful = true; }))).rejects.toThrow(/layer "simple_rnn_SimpleRNN1" \(SimpleRNN\): stateful RNNs are not supported/);
    await expect(loadModel(modelDir((json) => { json.modelTopology.config.layers[1].config.activation = 'celu'; })))
      .rejects.toThrow(/layer "dense_Dense1" \(Dense\): config.activation "celu" is not a supported activation/);
    await expect(loadModel(modelDir((json) => { json.modelTopology.config.layers[0].config.units = 6; })))
      .rejects.toThrow(/layer "simple_rnn_SimpleRNN1" \(SimpleRNN\): weight kernel has shape \[3, 5\], the layer needs \[3, 6\]/);
    await expect(loadModel(modelDir((json) => { json.modelTopology.class_name = 'Model'; }))).rejects.toThrow(/input_layers: expected a non-empty list of \[layer name, node index, tensor index\], got undefined/);
  });

  it('a model.json given as bytes has no directory for its shards', async () => {
    const copy = path.join(scratch, 'copied.json');
    copyFileSync(path.join(FIXTURE, 'model.json'), copy);
    await expect(loadModel(readFileSync(copy))).rejects.toThrow(/a TF.js model.json given as bytes has no directory to find its weight file 'weights.bin' in/);
  });
});
