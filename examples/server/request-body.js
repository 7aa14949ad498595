// Reading a prediction request's body: a size limit answered with 413 before the rest is read, and
// the two body forms (JSON with a nesting limit, raw float32 rows). Time limits are the connection's
// (see connections.js).
'use strict';

class HttpError extends Error {
  /** closeConnection: the rest of the request is not read, so the connection cannot carry another. */
  constructor(status, message, { closeConnection = false } = {}) {
    super(message);
    this.status = status;
    this.closeConnection = closeConnection;
  }
}

const tooLarge = (limit) => new HttpError(413, `request body over ${limit} bytes`, { closeConnection: true });

/** Refuses a declared Content-Length over the limit before asking for (or reading) the body. */
function checkDeclaredLength(request, limit) {
  if (Number(request.headers['content-length']) > limit) throw tooLarge(limit);
}

/**
 * The body, up to `limit` bytes; over it (chunked bodies declare no length), a 413 without reading the
 * rest. Rejects when the response closes first: the request timed out, or the connection went away.
 */
function readBody(request, response, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const onData = (chunk) => {
      size += chunk.length;
      if (size <= limit) return chunks.push(chunk);
      request.off('data', onData); // the stream keeps flowing: the rest is discarded until the connection closes
      reject(tooLarge(limit));
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    response.once('close', () => reject(new HttpError(400, 'request body incomplete: the response was closed first')));
  });
}

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether a JSON text nests arrays and objects more than `limit` deep, from its bytes: brackets inside
 * strings are skipped, and UTF-8 never puts these ASCII bytes inside a multi-byte character. Deep
 * nesting would otherwise reach JSON.parse and the tensor conversion; malformed text is left to JSON.parse.
 */
function nestsDeeperThan(bytes, limit) {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--;
  }
  return false;
}

/** {"input", "h0"?} from a JSON body nested at most maxDepth levels. */
function parseJsonBody(body, maxDepth) {
  if (nestsDeeperThan(body, maxDepth)) {
    throw new HttpError(400, `invalid JSON body: nested more than ${maxDepth} levels deep, this server's limit (a request needs 3)`);
  }
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || !('input' in parsed)) throw new Error('expected an object with "input"');
    return parsed;
  } catch (error) {
    throw new HttpError(400, `invalid JSON body: ${error.message}`);
  }
}

/** A raw body of little-endian float32 rows of `inputSize` values, as a [T, D] tensor. */
function binaryInput(body, inputSize) {
  const rowBytes = inputSize * 4;
  if (body.length === 0 || body.length % rowBytes !== 0) {
    throw new HttpError(400, `binary body: expected a whole number (>= 1) of rows of ${inputSize} float32 (${rowBytes} bytes), got ${body.length} bytes`);
  }
  const data = new Float32Array(body.length / 4);
  Buffer.from(data.buffer).set(body); // copy: the Buffer may not be 4-byte aligned
  return { data, shape: [body.length / rowBytes, inputSize] };
}

module.exports = { HttpError, checkDeclaredLength, readBody, parseJsonBody, binaryInput };
