// The coded error classes: each keeps its built-in class, carries its code and name, and is told
// apart by instanceof.
import { describe, expect, it } from 'vitest';
import * as api from '../lib/index';
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
