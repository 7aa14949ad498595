#include "ops_binding.h"

#include <cstdint>
#include <string>

#include "../kernel/ops/arg_reduce.h"
#include "../kernel/ops/gather.h"
#include "../kernel/ops/normalization.h"
#include "../kernel/ops/reduce.h"
#include "../kernel/ops/softmax.h"
#include "../kernel/ops/unary.h"
#include "enum_names.h"
#include "js_args.h"

namespace vrnn_binding {
namespace {

constexpr int64_t kMaxSize = (int64_t{1} << 53) - 1;
constexpr int64_t kMaxInt32Index = int64_t{1} << 31;  // an axis this long has indices up to 2^31 - 1

std::size_t SizeArg(const Napi::Object& call, const char* name) {
  return static_cast<std::size_t>(IntegerArg(call.Get(name), name, 0, kMaxSize));
}

// x seen as [outer, <size_name>, inner].
vrnn::AxisView AxisViewArg(const Napi::Object& call, const char* size_name) {
  return {SizeArg(call, "outer"), SizeArg(call, size_name), SizeArg(call, "inner")};
}

std::size_t ViewCount(Napi::Env env, const vrnn::AxisView& v) {
  return CheckedProduct(env, CheckedProduct(env, v.outer, v.size, "x"), v.inner, "x");
}

}  // namespace

Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::UnaryArgs args;
  args.kind = UnaryKindArg(call.Get("op"), "op", &args.activation.kind);
  if (args.kind == vrnn::UnaryKind::kActivation) {
    args.activation.alpha = static_cast<float>(NumberArg(call.Get("alpha"), "alpha"));
    args.activation.beta = static_cast<float>(NumberArg(call.Get("beta"), "beta"));
  } else if (args.kind == vrnn::UnaryKind::kClip) {
    args.clip_min = static_cast<float>(NumberArg(call.Get("min"), "min"));
    args.clip_max = static_cast<float>(NumberArg(call.Get("max"), "max"));
  }
  const TypedArrayView x = TypedArrayOf(call.Get("x"), "x", {napi_float32_array}, "a Float32Array");
  args.x = static_cast<const float*>(x.data);
  args.count = x.length;
  args.out = Float32Arg(call.Get("output"), "output", x.length);
  CheckApartOrSame(env, FloatSpan(args.out, args.count, "output"), FloatSpan(args.x, args.count, "x"));
  vrnn::Unary(args);
  return env.Undefined();
}

Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::ReduceArgs args;
  args.kind = ReduceKindArg(call.Get("op"), "op");
  args.view = AxisViewArg(call, "axisSize");
  const std::size_t count = ViewCount(env, args.view);
  const std::size_t out_count = CheckedProduct(env, args.view.outer, args.view.inner, "output");
  args.x = Float32Arg(call.Get("x"), "x", count);
  args.out = Float32Arg(call.Get("output"), "output", out_count);
  CheckApart(env, FloatSpan(args.out, out_count, "output"), FloatSpan(args.x, count, "x"));
  vrnn::Reduce(args);
  return env.Undefined();
}

Napi::Value MaskedReduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::MaskedReduceArgs args;
  args.kind = ReduceKindArg(call.Get("op"), "op");
  args.view = AxisViewArg(call, "axisSize");
  const std::size_t count = ViewCount(env, args.view);
  const std::size_t mask_count = CheckedProduct(env, args.view.outer, args.view.size, "mask");
  const std::size_t out_count = CheckedProduct(env, args.view.outer, args.view.inner, "output");
  args.x = Float32Arg(call.Get("x"), "x", count);
  const TypedArrayView mask = TypedArrayOf(call.Get("mask"), "mask", {napi_uint8_array}, "a Uint8Array");
  CheckLength(env, mask, "mask", mask_count);
  args.mask = static_cast<const std::uint8_t*>(mask.data);
  args.empty_value = static_cast<float>(NumberArg(call.Get("emptyValue"), "emptyValue"));
  args.out = Float32Arg(call.Get("output"), "output", out_count);
  const BufferSpan out = FloatSpan(args.out, out_count, "output");
  CheckApart(env, out, FloatSpan(args.x, count, "x"));
  CheckApart(env, out, {mask.data, mask.bytes(), "mask"});
  vrnn::MaskedReduce(args);
  return env.Undefined();
}

Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::ArgReduceArgs args;
  args.max = ArgMaxArg(call.Get("op"), "op");
  args.view = AxisViewArg(call, "axisSize");
  args.select_last = BoolArg(call.Get("selectLastIndex"), "selectLastIndex");
  const std::size_t count = ViewCount(env, args.view);
  const std::size_t out_count = CheckedProduct(env, args.view.outer, args.view.inner, "output");
  args.x = Float32Arg(call.Get("x"), "x", count);
  const TypedArrayView out =
      TypedArrayOf(call.Get("output"), "output", {napi_int32_array, napi_float64_array}, "an Int32Array or a Float64Array");
  CheckLength(env, out, "output", out_count);
  if (out_count > 0 && args.view.size == 0) {
    throw Napi::RangeError::New(env, "axisSize: expected at least 1 (an empty axis has no index of its extreme)");
  }
  args.out_type = out.type == napi_int32_array ? vrnn::ElementType::kInt32 : vrnn::ElementType::kFloat64;
  if (args.out_type == vrnn::ElementType::kInt32 && static_cast<int64_t>(args.view.size) > kMaxInt32Index) {
    throw Napi::RangeError::New(env, "output: an Int32Array cannot hold the indices of an axis of " +
                                         std::to_string(args.view.size) + " elements; pass a Float64Array");
  }
  args.out = out.data;
  CheckApart(env, {out.data, out.bytes(), "output"}, FloatSpan(args.x, count, "x"));
  vrnn::ArgReduce(args);
  return env.Undefined();
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::SoftmaxArgs args;
  args.view = AxisViewArg(call, "axisSize");
  args.log = BoolArg(call.Get("log"), "log");
  const std::size_t count = ViewCount(env, args.view);
  args.x = Float32Arg(call.Get("x"), "x", count);
  args.out = Float32Arg(call.Get("output"), "output", count);
  CheckApartOrSame(env, FloatSpan(args.out, count, "output"), FloatSpan(args.x, count, "x"));
  vrnn::Softmax(args);
  return env.Undefined();
}

Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::LayerNormArgs args;
  args.rows = SizeArg(call, "rows");
  args.cols = SizeArg(call, "cols");
  const std::size_t count = CheckedProduct(env, args.rows, args.cols, "x");
  args.x = Float32Arg(call.Get("x"), "x", count);
  args.scale = OptionalFloat32Arg(call.Get("scale"), "scale", args.cols);
  args.bias = OptionalFloat32Arg(call.Get("bias"), "bias", args.cols);
  args.epsilon = static_cast<float>(NumberArg(call.Get("epsilon"), "epsilon"));
  args.out = Float32Arg(call.Get("output"), "output", count);
  const BufferSpan out = FloatSpan(args.out, count, "output");
  CheckApartOrSame(env, out, FloatSpan(args.x, count, "x"));
  CheckApart(env, out, FloatSpan(args.scale, args.cols, "scale"));
  CheckApart(env, out, FloatSpan(args.bias, args.cols, "bias"));
  vrnn::LayerNorm(args);
  return env.Undefined();
}

Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::BatchNormArgs args;
  args.view = AxisViewArg(call, "channels");
  const std::size_t channels = args.view.size;
  const std::size_t count = ViewCount(env, args.view);
  args.x = Float32Arg(call.Get("x"), "x", count);
  args.scale = OptionalFloat32Arg(call.Get("scale"), "scale", channels);
  args.bias = OptionalFloat32Arg(call.Get("bias"), "bias", channels);
  args.mean = Float32Arg(call.Get("mean"), "mean", channels);
  args.variance = Float32Arg(call.Get("variance"), "variance", channels);
  args.epsilon = static_cast<float>(NumberArg(call.Get("epsilon"), "epsilon"));
  args.out = Float32Arg(call.Get("output"), "output", count);
  const BufferSpan out = FloatSpan(args.out, count, "output");
  CheckApartOrSame(env, out, FloatSpan(args.x, count, "x"));
  CheckApart(env, out, FloatSpan(args.scale, channels, "scale"));
  CheckApart(env, out, FloatSpan(args.bias, channels, "bias"));
  CheckApart(env, out, FloatSpan(args.mean, channels, "mean"));
  CheckApart(env, out, FloatSpan(args.variance, channels, "variance"));
  vrnn::BatchNorm(args);
  return env.Undefined();
}

Napi::Value GatherRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::GatherRowsArgs args;
  args.rows = SizeArg(call, "rows");
  args.cols = SizeArg(call, "cols");
  const std::size_t table_count = CheckedProduct(env, args.rows, args.cols, "table");
  args.table = Float32Arg(call.Get("table"), "table", table_count);
  const TypedArrayView indices = TypedArrayOf(call.Get("indices"), "indices", {napi_int32_array}, "an Int32Array");
  args.indices = static_cast<const std::int32_t*>(indices.data);
  args.count = indices.length;
  const std::size_t out_count = CheckedProduct(env, args.count, args.cols, "output");
  args.out = Float32Arg(call.Get("output"), "output", out_count);
  const BufferSpan out = FloatSpan(args.out, out_count, "output");
  CheckApart(env, out, FloatSpan(args.table, table_count, "table"));
  CheckApart(env, out, {indices.data, indices.bytes(), "indices"});
  const std::size_t bad = vrnn::FirstIndexOutOfRange(args.indices, args.count, args.rows);
  if (bad < args.count) {
    throw Napi::RangeError::New(env, "indices[" + std::to_string(bad) + "]: " + std::to_string(args.indices[bad]) +
                                         " is out of range for a table of " + std::to_string(args.rows) + " rows");
  }
  vrnn::GatherRows(args);
  return env.Undefined();
}

}  // namespace vrnn_binding
