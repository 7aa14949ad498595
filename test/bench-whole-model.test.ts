// The bench's whole-model row in its --quick form: the char-RNN file runs through loadModel and
// through onnxruntime-node, the two agree, and the row is printed. No timing thresholds.
import { describe, expect, it } from 'vitest';
import { loadOnnxruntime } from '../bench/onnxruntime-engine';
import { QUICK } from '../bench/policies';
import { benchWholeModel, formatWholeModels } from '../bench/whole-model';
import { formatTime } from '../bench/format-table';

describe('bench: whole model', () => {
  it('times the char-RNN .onnx with vanilla-rnn and onnxruntime-node, which agree', async () => {
    const ort = loadOnnxruntime();
    expect(ort).not.toBeNull(); // a devDependency: installed wherever tests run
    const result = await benchWholeModel(ort, 1, QUICK, async () => {});
    expect(result).toMatchObject({ name: 'char-RNN', file: 'char-rnn.onnx', vocabulary: 64, hiddenSize: 256, steps: 100, batch: 32 });
    expect(result.vanilla.medianMs).toBeGreaterThan(0);
    expect(result.onnxruntime!.medianMs).toBeGreaterThan(0);
    expect(result.onnxruntimeOverVanilla).toBeCloseTo(result.onnxruntime!.medianMs / result.vanilla.medianMs);
    expect(result.agreement).toMatchObject({ ok: true, mismatches: 0 });
    const lines = formatWholeModels([result], formatTime);
    expect(lines.at(-1)).toMatch(/^\| char-RNN \(V = 64, H = 256, T = 100, B = 32\) \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+× \| yes \|$/);
  }, 60_000);
});
