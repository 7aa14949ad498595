// Which format a model file is in: from its name when that is telling, else from its first bytes.
import * as path from 'node:path';
import { looksLikeHdf5 } from './hdf5';
import { isNpy } from './npy';
import { looksLikeZip } from './zip';
import type { ModelFormat } from './types';

export function formatFromName(file: string): ModelFormat | null {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.onnx') return 'onnx';
  if (extension === '.safetensors') return 'safetensors';
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

export function formatFromBytes(bytes: Uint8Array, label: string): ModelFormat {
  if (isNpy(bytes)) throw new TypeError(`${label}: this is a NumPy .npy array, not a model; pass it as an input`);
  if (looksLikeSafetensors(bytes)) return 'safetensors';
  if (looksLikeJson(bytes)) return 'tfjs';
  if (looksLikeHdf5(bytes)) return 'keras-h5';
  if (looksLikeZip(bytes)) return 'keras';
  if (bytes.length > 0 && MODEL_PROTO_KEYS.has(bytes[0])) return 'onnx';
  // A pickle (protocol 2 to 5) is what torch.save wrote before its zip format.
  if (bytes.length > 1 && bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) {
    throw new TypeError(`${label}: a Python pickle (a PyTorch torch.save file?) is not read; export the model to ONNX (torch.onnx.export) or save its state_dict as .safetensors`);
  }
  throw new TypeError(`${label}: cannot tell the model format: expected an ONNX model, a safetensors state_dict or a TF.js model.json (or a directory holding one), a Keras .keras or .h5 file`);
}
