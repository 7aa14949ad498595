// The element types an op reads or writes besides float32: 0/1 masks (Uint8Array, or float arrays
// as ONNX interpreters hold booleans) and indices (Int32Array, or Float64Array for int64 values).
#pragma once

namespace vrnn {

enum class ElementType : int {
  kUint8 = 0,
  kInt32 = 1,
  kFloat32 = 2,
  kFloat64 = 3,
};

}  // namespace vrnn
