// A graph value's element type as onnxruntime names it, for Model.inputMetadata: float types are
// run (and taken) as float32; integer and bool types keep their own name.
import type { ElementType } from '../types';
import { DATA_TYPE_NAMES, isFloatType } from './value';

export function elementType(dtype: number): ElementType {
  if (isFloatType(dtype)) return 'float32';
  return (DATA_TYPE_NAMES[dtype] ?? 'float32').toLowerCase() as ElementType;
}

export function elementTypes(values: ReadonlyArray<{ name: string; dtype: number }>): Record<string, ElementType> {
  return Object.fromEntries(values.map((v) => [v.name, elementType(v.dtype)]));
}
