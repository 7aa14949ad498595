// TensorProto (initializers and Constant values) to interpreter values, every size checked against
// the bytes or elements actually present before anything is allocated.
import { MalformedFileError, UnsupportedError } from '../../errors';
import { decodeToFloat32, decodeToFloat64, ITEM_SIZES, type NumberKind } from '../bytes';
import { checkDim, checkedByteLength, elementCount } from '../checked';
import { MAX_RANK } from './budget';
import type { TensorProto } from './proto';
import { FLOAT, isFloatType, isSupportedType, typeName, type Value } from './value';

const RAW_KINDS: Record<number, NumberKind> = {
  1: 'f4', 2: 'u1', 3: 'i1', 4: 'u2', 5: 'i2', 6: 'i4', 7: 'i8', 9: 'b1', 10: 'f2', 11: 'f8', 12: 'u4', 13: 'u8', 16: 'bf2',
};

/** The typed field each data type uses when raw_data is empty (float16/bfloat16 as bit patterns in int32_data). */
function typedField(t: TensorProto): { values: Float32Array | Float64Array | Int32Array; field: string; bits?: NumberKind } {
  switch (t.dataType) {
    case 1: return { values: t.floatData, field: 'float_data' };
    case 11: return { values: t.doubleData, field: 'double_data' };
    case 7: return { values: t.int64Data, field: 'int64_data' };
    case 12: case 13: return { values: t.uint64Data, field: 'uint64_data' };
    case 10: return { values: t.int32Data, field: 'int32_data', bits: 'f2' };
    case 16: return { values: t.int32Data, field: 'int32_data', bits: 'bf2' };
    default: return { values: t.int32Data, field: 'int32_data' };
  }
}

/** The decoded field itself where it already is the interpreter's array type (float_data, int64_data, uint64_data). */
function fromTypedField(t: TensorProto, shape: number[], count: number, what: string): Float32Array | Float64Array {
  const { values, field, bits } = typedField(t);
  if (values.length !== count) {
    throw new MalformedFileError(`${what}: shape [${shape.join(', ')}] needs ${count} elements, ${field} holds ${values.length}`);
  }
  if (bits) return decodeToFloat32(new Uint8Array(Uint16Array.from(values).buffer), 0, count, bits);
  if (isFloatType(t.dataType)) return values instanceof Float32Array ? values : Float32Array.from(values);
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

function fromRawData(t: TensorProto, shape: number[], what: string): Float32Array | Float64Array {
  const kind = RAW_KINDS[t.dataType];
  const size = ITEM_SIZES[kind];
  const bytes = checkedByteLength(shape, size, t.rawData.length, what);
  if (bytes !== t.rawData.length) {
    throw new MalformedFileError(`${what}: shape [${shape.join(', ')}] of ${typeName(t.dataType)} needs ${bytes} bytes, raw_data holds ${t.rawData.length}`);
  }
  const decode = isFloatType(t.dataType) ? decodeToFloat32 : decodeToFloat64;
  return decode(t.rawData, 0, bytes / size, kind);
}

/** Converts a TensorProto; `what` names it in errors (initializer 'W', node 3 attribute 'value'). */
export function valueFromTensorProto(t: TensorProto, what: string): Value {
  if (t.dataLocation === 1 || t.externalData.length > 0) {
    throw new UnsupportedError(`${what}: tensors stored in external data files are not supported; save the model with its weights inside`, { base: 'Error' });
  }
  if (t.segment) throw new UnsupportedError(`${what}: segmented tensors are not supported`, { base: 'Error' });
  if (!isSupportedType(t.dataType)) {
    throw new UnsupportedError(`${what}: unsupported tensor data type ${typeName(t.dataType)}; numeric types only`, { base: 'TypeError' });
  }
  if (t.dims.length > MAX_RANK) throw new UnsupportedError(`${what}: ${t.dims.length} dims, more than the ${MAX_RANK} a tensor may have`);
  const shape = Array.from(t.dims, (d, i) => checkDim(d, `${what} dims[${i}]`));
  const count = elementCount(shape, what);
  const data = t.rawData.length > 0 ? fromRawData(t, shape, what) : fromTypedField(t, shape, count, what);
  return { dtype: isFloatType(t.dataType) ? FLOAT : t.dataType, shape, data };
}
