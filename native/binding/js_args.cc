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

// One napi_get_typedarray_info call gives type, length and data: this runs for every array
// argument of every call, where each extra Node-API round trip shows in the per-call overhead.
template <typename T>
T* TypedArrayArg(const Napi::Value& value, const char* name, napi_typedarray_type type, const char* type_name,
                 std::size_t expected) {
  Napi::Env env = value.Env();
  bool is_typed_array = false;
  napi_is_typedarray(env, value, &is_typed_array);
  napi_typedarray_type actual_type;
  std::size_t length = 0;
  void* data = nullptr;
  napi_value buffer;
  std::size_t offset = 0;
  if (!is_typed_array ||
      napi_get_typedarray_info(env, value, &actual_type, &length, &data, &buffer, &offset) != napi_ok ||
      actual_type != type) {
    ThrowType(env, std::string(name) + ": expected a " + type_name);
  }
  if (length != expected) {
    if (expected > 0 && length == 0 && Napi::ArrayBuffer(env, buffer).ByteLength() == 0) {
      ThrowType(env, std::string(name) + ": the ArrayBuffer is detached (transferred) or empty");
    }
    ThrowRange(env, std::string(name) + ": expected " + std::to_string(expected) + " elements, got " +
                        std::to_string(length));
  }
  return static_cast<T*>(data);
}

bool IsAbsent(const Napi::Value& value) { return value.IsNull() || value.IsUndefined(); }

}  // namespace

float* Float32Arg(const Napi::Value& value, const char* name, std::size_t expected) {
  return TypedArrayArg<float>(value, name, napi_float32_array, "Float32Array", expected);
}

float* OptionalFloat32Arg(const Napi::Value& value, const char* name, std::size_t expected) {
  return IsAbsent(value) ? nullptr : Float32Arg(value, name, expected);
}

int32_t* OptionalInt32Arg(const Napi::Value& value, const char* name, std::size_t expected) {
  return IsAbsent(value) ? nullptr : TypedArrayArg<int32_t>(value, name, napi_int32_array, "Int32Array", expected);
}

uint8_t* OptionalUint8Arg(const Napi::Value& value, const char* name, std::size_t expected) {
  return IsAbsent(value) ? nullptr : TypedArrayArg<uint8_t>(value, name, napi_uint8_array, "Uint8Array", expected);
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

std::size_t CheckedProduct(Napi::Env env, std::size_t a, std::size_t b, const char* what) {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a) {
    ThrowRange(env, std::string(what) + ": size overflows");
  }
  return a * b;
}

}  // namespace vrnn_binding
