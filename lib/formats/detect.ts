// Which format a model file is in: from its name when that is telling, else from its first bytes.
import { UnsupportedError } from '../errors';
import * as path from 'node:path';
import { looksLikeHdf5 } from './hdf5';
import { isNpy } from './npy';
import { looksLikeZip } from './zip';
import type { ModelFormat } from './types';

export function formatFromName(file: string): ModelFormat | null {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.onnx') return 'onnx';
  if (extension === '.safetensors') return 'safetensors';
  if (extension === '.pt' || extension === '.pth') return 'pytorch';
  if (extension === '.json') return 'tfjs';
  if (extension === '.keras') return 'keras';
  if (extension === '.h5' || extension === '.hdf5') return 'keras-h5';
  return null;
}

// The key bytes of ModelProto's fields (field number << 3 | wire type): a serialised model starts with one.
const MODEL_PROTO_KEYS = new Set([0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72]);

function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return length <= BigInt(bytes.length - 8) && bytes[8] === 0x7b; // '{'
}

function looksLikeJson(bytes: Uint8Array): boolean {
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
  return first === 0x7b;
}

/**
 * Keras writes metadata.json, config.json and model.weights.h5 at the top of its archive, the first
 * one first; torch.save puts every entry under the archive's folder (archive/data.pkl).
 */
function looksLikeKerasZip(bytes: Uint8Array): boolean {
  if (bytes.length < 30) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const nameLength = view.getUint16(26, true);
  const name = new TextDecoder('latin1').decode(bytes.subarray(30, Math.min(bytes.length, 30 + nameLength)));
  return ['metadata.json', 'config.json', 'model.weights.h5'].includes(name);
}

export function formatFromBytes(bytes: Uint8Array, label: string): ModelFormat {
  if (isNpy(bytes)) throw new UnsupportedError(`${label}: this is a NumPy .npy array, not a model; pass it as an input`, { base: 'TypeError' });
  if (looksLikeSafetensors(bytes)) return 'safetensors';
  if (looksLikeZip(bytes)) return looksLikeKerasZip(bytes) ? 'keras' : 'pytorch';
  // A bare pickle, which the PyTorch reader refuses with the fix.
  if (bytes[0] === 0x80) return 'pytorch';
  if (looksLikeJson(bytes)) return 'tfjs';
  if (looksLikeHdf5(bytes)) return 'keras-h5';
  if (bytes.length > 0 && MODEL_PROTO_KEYS.has(bytes[0])) return 'onnx';
  throw new UnsupportedError(`${label}: cannot tell the model format: expected an ONNX model, a PyTorch state_dict (safetensors or torch.save's .pt), a TF.js model.json (or a directory holding one) or a Keras .keras or .h5 file`, { base: 'TypeError' });
}
