// Argument conversion for the binding layer: every JS value is checked before a pointer reaches
// the kernel, so a wrong call from JS becomes a TypeError or RangeError, never a bad read.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace vrnn_binding {

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

// a * b, or a RangeError naming `what` when the product does not fit in size_t.
std::size_t CheckedProduct(Napi::Env env, std::size_t a, std::size_t b, const char* what);

}  // namespace vrnn_binding
