// Argument conversion for the binding layer: every JS value is checked before a pointer reaches
// the kernel, so a wrong call from JS becomes a TypeError or RangeError, never a bad read.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace vrnn_binding {

// A typed array's memory as the binding sees it.
struct TypedArrayView {
  void* data = nullptr;
  std::size_t length = 0;  // elements
  napi_typedarray_type type = napi_float32_array;
  napi_value buffer = nullptr;
  std::size_t bytes() const;
};

// The typed array argument `name`, of one of `types` (`expected` names them for the message, as in
// "a Uint8Array or a Float32Array"), of any length; a TypeError when its buffer is detached.
TypedArrayView TypedArrayOf(const Napi::Value& value, const char* name, std::initializer_list<napi_typedarray_type> types,
                            const char* expected);

// A RangeError unless `view` holds exactly `expected` elements.
void CheckLength(Napi::Env env, const TypedArrayView& view, const char* name, std::size_t expected);

// The Float32Array argument `name`, which must hold exactly `expected` elements.
float* Float32Arg(const Napi::Value& value, const char* name, std::size_t expected);

// Like Float32Arg, but null or undefined give nullptr.
float* OptionalFloat32Arg(const Napi::Value& value, const char* name, std::size_t expected);

int32_t* OptionalInt32Arg(const Napi::Value& value, const char* name, std::size_t expected);
uint8_t* OptionalUint8Arg(const Napi::Value& value, const char* name, std::size_t expected);

// A whole number in [min, max].
int64_t IntegerArg(const Napi::Value& value, const char* name, int64_t min, int64_t max);
double NumberArg(const Napi::Value& value, const char* name);
bool BoolArg(const Napi::Value& value, const char* name);
// A plain object (one call's arguments).
Napi::Object ObjectArg(const Napi::Value& value, const char* name);

// Up to `max_count` whole numbers in [min, max] from the array `name`, into `out`; returns the count.
int IntegerArrayArg(const Napi::Value& value, const char* name, int max_count, int64_t min, int64_t max, int64_t* out);

// a * b, or a RangeError naming `what` when the product does not fit in size_t.
std::size_t CheckedProduct(Napi::Env env, std::size_t a, std::size_t b, const char* what);
// a + b, or a RangeError naming `what` when the sum does not fit in size_t.
std::size_t CheckedSum(Napi::Env env, std::size_t a, std::size_t b, const char* what);

// Memory an op reads or writes, named for messages.
struct BufferSpan {
  const void* data;
  std::size_t bytes;
  const char* name;
};

inline BufferSpan FloatSpan(const float* data, std::size_t count, const char* name) {
  return {data, count * sizeof(float), name};
}

// A RangeError when `out` shares bytes with `other`: the kernel would read what it has overwritten.
void CheckApart(Napi::Env env, const BufferSpan& out, const BufferSpan& other);
// The same, except that `out` may be `other` itself (an elementwise op reads each element before
// writing it).
void CheckApartOrSame(Napi::Env env, const BufferSpan& out, const BufferSpan& other);

}  // namespace vrnn_binding
