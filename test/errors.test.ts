// The coded error classes: each keeps its built-in class, carries its code and name, and is told
// apart by instanceof.
import { describe, expect, it } from 'vitest';
import * as api from '../lib/index';
import { decodeNpy, decodeSafetensors, loadModel, RNN } from '../lib/index';
import { fixtureBytes, npyBytes, npyDict } from './formats/helpers/files';
import { DisposedError, errorCode, MalformedFileError, ShapeError, UnsupportedError } from '../lib/errors';

describe('coded errors', () => {
  it('keep the built-in class asked for, with the code, the name and the message', () => {
    const error = new MalformedFileError('model.pt: truncated', { base: 'SyntaxError' });
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(MalformedFileError);
    expect(error).not.toBeInstanceOf(RangeError);
    expect(error).not.toBeInstanceOf(ShapeError);
    expect(error.code).toBe('ERR_MALFORMED_FILE');
    expect(error.name).toBe('MalformedFileError');
    expect(error.message).toBe('model.pt: truncated');
    expect(String(error)).toBe('MalformedFileError: model.pt: truncated');
    expect(error.stack).toMatch(/^MalformedFileError: model\.pt: truncated\n/);
    expect(error.constructor.name).toBe('SyntaxError');
  });

  it('have their usual base when none is asked for', () => {
    expect(new UnsupportedError('x')).toBeInstanceOf(RangeError);
    expect(new MalformedFileError('x')).toBeInstanceOf(RangeError);
    expect(new ShapeError('x')).toBeInstanceOf(RangeError);
    expect(new DisposedError('x')).not.toBeInstanceOf(RangeError);
    expect(new DisposedError('x').code).toBe('ERR_DISPOSED');
    expect(new UnsupportedError('x', { base: 'TypeError' })).toBeInstanceOf(TypeError);
  });

  it('carry a cause', () => {
    const cause = new Error('inner');
    expect(new ShapeError('outer', { cause }).cause).toBe(cause);
  });

  it('errorCode reads the code of these errors only', () => {
    expect(errorCode(new ShapeError('x'))).toBe('ERR_WRONG_SHAPE');
    expect(errorCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
    expect(errorCode({ code: 'ERR_WRONG_SHAPE' })).toBeUndefined();
    expect({ code: 'ERR_WRONG_SHAPE' }).not.toBeInstanceOf(ShapeError);
  });

  it('are exported from the package', () => {
    expect(api.MalformedFileError).toBe(MalformedFileError);
    expect(api.UnsupportedError).toBe(UnsupportedError);
    expect(api.ShapeError).toBe(ShapeError);
    expect(api.DisposedError).toBe(DisposedError);
  });
});

/** The error `call` throws or rejects with. */
async function failure(call: () => unknown): Promise<Error & { code?: string }> {
  try {
    await call();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a failure');
}

describe('the package\'s failures carry their code and keep their class', () => {
  const rnn = new RNN({ inputSize: 3, hiddenSize: 2, seed: 1 });
  const cases: Array<[string, () => unknown, unknown, ErrorConstructor]> = [
    ['a truncated safetensors file', () => decodeSafetensors(new Uint8Array(4)), MalformedFileError, RangeError],
    ['a safetensors header that is not JSON', () => decodeSafetensors(Uint8Array.from([2, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7b])), MalformedFileError, SyntaxError],
    ['a .npy of Python objects', () => decodeNpy(npyBytes(npyDict('|O', '(2,)'), new Uint8Array(16))), UnsupportedError, TypeError],
    ['a Fortran-order .npy', () => decodeNpy(npyBytes(npyDict('<f4', '(2,)', 'True'), new Uint8Array(8))), UnsupportedError, RangeError],
    ['an input of the wrong width', () => rnn.forward({ data: new Float32Array(8), shape: [2, 4] }), ShapeError, RangeError],
    ['an h0 of the wrong shape', () => rnn.forward([[1, 2, 3]], { h0: { data: new Float32Array(3), shape: [1, 3] } }), ShapeError, RangeError],
    ['data that does not fill its shape', () => rnn.forward({ data: new Float32Array(5), shape: [2, 3] }), ShapeError, RangeError],
    ['a bidirectional stream', () => new RNN({ inputSize: 1, hiddenSize: 1, bidirectional: true }).createStream({ batchSize: 1 }), UnsupportedError, Error],
    ['bytes of no known format', () => loadModel(new Uint8Array(64).fill(0xff)), UnsupportedError, TypeError],
    ['a zip that is not torch.save\'s', () => loadModel(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0])), MalformedFileError, Error],
    ['an input of the wrong width to a loaded model', async () => {
      const bytes = fixtureBytes('torch_1layer_tanh.safetensors');
      const model = await loadModel(bytes, { nonlinearity: 'tanh', batchFirst: false });
      return model.runSync({ x: { data: new Float32Array(7), shape: [1, 1, 7] } });
    }, ShapeError, RangeError],
  ];
  for (const [what, call, Coded, Base] of cases) {
    it(what, async () => {
      const error = await failure(call);
      expect(error).toBeInstanceOf(Coded as never);
      expect(error).toBeInstanceOf(Base);
      expect(error.code).toMatch(/^ERR_/);
    });
  }
});
