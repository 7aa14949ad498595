#include "js_args.h"

#include <cmath>
#include <limits>

namespace vrnn_binding {
namespace {

[[noreturn]] void ThrowType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

[[noreturn]] void ThrowRange(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

std::size_t ElementBytes(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array:
    case napi_uint8_array:
    case napi_uint8_clamped_array: return 1;
    case napi_int16_array:
    case napi_uint16_array: return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array: return 4;
    default: return 8;
  }
}

template <typename T>
T* TypedArrayArg(const Napi::Value& value, const char* name, napi_typedarray_type type, const char* expected_type,
                 std::size_t expected) {
  const TypedArrayView view = TypedArrayOf(value, name, {type}, expected_type);
  CheckLength(value.Env(), view, name, expected);
  return static_cast<T*>(view.data);
}

bool IsAbsent(const Napi::Value& value) { return value.IsNull() || value.IsUndefined(); }

}  // namespace

std::size_t TypedArrayView::bytes() const { return length * ElementBytes(type); }

// One napi_get_typedarray_info call gives type, length and data: this runs for every array
// argument of every call, where each extra Node-API round trip shows in the per-call overhead.
TypedArrayView TypedArrayOf(const Napi::Value& value, const char* name, std::initializer_list<napi_typedarray_type> types,
                            const char* expected) {
  Napi::Env env = value.Env();
  bool is_typed_array = false;
  napi_is_typedarray(env, value, &is_typed_array);
  TypedArrayView view;
  std::size_t offset = 0;
  bool known = false;
  if (is_typed_array &&
      napi_get_typedarray_info(env, value, &view.type, &view.length, &view.data, &view.buffer, &offset) == napi_ok) {
    for (napi_typedarray_type type : types) known = known || type == view.type;
  }
  if (!known) ThrowType(env, std::string(name) + ": expected " + expected);
  bool detached = false;
  if (view.length == 0 && napi_is_detached_arraybuffer(env, view.buffer, &detached) == napi_ok && detached) {
    ThrowType(env, std::string(name) + ": the ArrayBuffer is detached (transferred)");
  }
  return view;
}

void CheckLength(Napi::Env env, const TypedArrayView& view, const char* name, std::size_t expected) {
  if (view.length == expected) return;
  ThrowRange(env, std::string(name) + ": expected " + std::to_string(expected) + " elements, got " +
                      std::to_string(view.length));
}

float* Float32Arg(const Napi::Value& value, const char* name, std::size_t expected) {
  return TypedArrayArg<float>(value, name, napi_float32_array, "a Float32Array", expected);
}

float* OptionalFloat32Arg(const Napi::Value& value, const char* name, std::size_t expected) {
  return IsAbsent(value) ? nullptr : Float32Arg(value, name, expected);
}

int32_t* OptionalInt32Arg(const Napi::Value& value, const char* name, std::size_t expected) {
  return IsAbsent(value) ? nullptr : TypedArrayArg<int32_t>(value, name, napi_int32_array, "an Int32Array", expected);
}

uint8_t* OptionalUint8Arg(const Napi::Value& value, const char* name, std::size_t expected) {
  return IsAbsent(value) ? nullptr : TypedArrayArg<uint8_t>(value, name, napi_uint8_array, "a Uint8Array", expected);
}

double NumberArg(const Napi::Value& value, const char* name) {
  if (!value.IsNumber()) ThrowType(value.Env(), std::string(name) + ": expected a number");
  return value.As<Napi::Number>().DoubleValue();
}

int64_t IntegerArg(const Napi::Value& value, const char* name, int64_t min, int64_t max) {
  const double number = NumberArg(value, name);
  if (!(number >= static_cast<double>(min) && number <= static_cast<double>(max)) || std::floor(number) != number) {
    ThrowRange(value.Env(), std::string(name) + ": expected an integer in [" + std::to_string(min) + ", " +
                                std::to_string(max) + "]");
  }
  return static_cast<int64_t>(number);
}

bool BoolArg(const Napi::Value& value, const char* name) {
  if (!value.IsBoolean()) ThrowType(value.Env(), std::string(name) + ": expected a boolean");
  return value.As<Napi::Boolean>().Value();
}

Napi::Object ObjectArg(const Napi::Value& value, const char* name) {
  if (!value.IsObject()) ThrowType(value.Env(), std::string(name) + ": expected an object");
  return value.As<Napi::Object>();
}

int IntegerArrayArg(const Napi::Value& value, const char* name, int max_count, int64_t min, int64_t max, int64_t* out) {
  Napi::Env env = value.Env();
  if (!value.IsArray()) ThrowType(env, std::string(name) + ": expected an array of integers");
  const Napi::Array array = value.As<Napi::Array>();
  const uint32_t count = array.Length();
  if (count > static_cast<uint32_t>(max_count)) {
    ThrowRange(env, std::string(name) + ": expected at most " + std::to_string(max_count) + " entries, got " +
                        std::to_string(count));
  }
  for (uint32_t i = 0; i < count; ++i) {
    const Napi::Value entry = array.Get(i);
    if (entry.IsNumber()) {
      const double number = entry.As<Napi::Number>().DoubleValue();
      if (number >= static_cast<double>(min) && number <= static_cast<double>(max) && std::floor(number) == number) {
        out[i] = static_cast<int64_t>(number);
        continue;
      }
    }
    // Only a wrong entry pays for its name, which IntegerArg puts in the error it throws.
    const std::string entry_name = std::string(name) + "[" + std::to_string(i) + "]";
    out[i] = IntegerArg(entry, entry_name.c_str(), min, max);
  }
  return static_cast<int>(count);
}

std::size_t CheckedProduct(Napi::Env env, std::size_t a, std::size_t b, const char* what) {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a) {
    ThrowRange(env, std::string(what) + ": size overflows");
  }
  return a * b;
}

std::size_t CheckedSum(Napi::Env env, std::size_t a, std::size_t b, const char* what) {
  if (b > std::numeric_limits<std::size_t>::max() - a) ThrowRange(env, std::string(what) + ": size overflows");
  return a + b;
}

namespace {

bool Overlap(const BufferSpan& a, const BufferSpan& b) {
  if (a.data == nullptr || b.data == nullptr || a.bytes == 0 || b.bytes == 0) return false;
  const char* a_begin = static_cast<const char*>(a.data);
  const char* b_begin = static_cast<const char*>(b.data);
  return a_begin < b_begin + b.bytes && b_begin < a_begin + a.bytes;
}

[[noreturn]] void ThrowOverlap(Napi::Env env, const BufferSpan& out, const BufferSpan& other) {
  ThrowRange(env, std::string(out.name) + ": overlaps " + other.name + "; use separate buffers");
}

}  // namespace

void CheckApart(Napi::Env env, const BufferSpan& out, const BufferSpan& other) {
  if (Overlap(out, other)) ThrowOverlap(env, out, other);
}

void CheckApartOrSame(Napi::Env env, const BufferSpan& out, const BufferSpan& other) {
  if (out.data == other.data && out.bytes == other.bytes) return;
  if (Overlap(out, other)) ThrowOverlap(env, out, other);
}

}  // namespace vrnn_binding
