#include <cstdint>
#include <limits>

#include "../kernel/ops/binary.h"
#include "../kernel/ops/gemm.h"
#include "../kernel/ops/where.h"
#include "enum_names.h"
#include "js_args.h"
#include "ops_binding.h"
#include "strided_args.h"

namespace vrnn_binding {
namespace {

constexpr int64_t kMaxBlas = std::numeric_limits<int32_t>::max();

const std::initializer_list<napi_typedarray_type> kFloat32 = {napi_float32_array};
const std::initializer_list<napi_typedarray_type> kMaskTypes = {napi_uint8_array, napi_int32_array, napi_float32_array,
                                                                napi_float64_array};
constexpr const char* kMaskTypeNames = "a Uint8Array, an Int32Array, a Float32Array or a Float64Array";

vrnn::ElementType ElementTypeOf(napi_typedarray_type type) {
  switch (type) {
    case napi_uint8_array: return vrnn::ElementType::kUint8;
    case napi_int32_array: return vrnn::ElementType::kInt32;
    case napi_float32_array: return vrnn::ElementType::kFloat32;
    default: return vrnn::ElementType::kFloat64;
  }
}

// The output's shape into loop; returns its element count.
template <std::size_t N>
std::size_t LoopShapeArg(const Napi::Object& call, const char* name, vrnn::StridedLoop<N>* loop) {
  loop->rank = ShapeArg(call.Get(name), name, loop->dims);
  std::size_t count = 1;
  for (int axis = 0; axis < loop->rank; ++axis) count = CheckedProduct(call.Env(), count, loop->dims[axis], name);
  return count;
}

BufferSpan SpanOf(const TypedArrayView& view, const char* name) { return {view.data, view.bytes(), name}; }

// The shape and the two float operands of Binary and Compare; returns the output's element count.
struct FloatPair {
  TypedArrayView a;
  TypedArrayView b;
};

std::size_t FloatPairArg(const Napi::Object& call, vrnn::StridedLoop<2>* loop, FloatPair* pair) {
  const std::size_t count = LoopShapeArg(call, "shape", loop);
  pair->a = StridedArg(call, "a", "aStrides", loop, 0, 1, kFloat32, "a Float32Array");
  pair->b = StridedArg(call, "b", "bStrides", loop, 1, 1, kFloat32, "a Float32Array");
  return count;
}

std::size_t BlasSizeArg(const Napi::Object& call, const char* name) {
  return static_cast<std::size_t>(IntegerArg(call.Get(name), name, 0, kMaxBlas));
}

}  // namespace

Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::BinaryArgs args;
  args.kind = BinaryKindArg(call.Get("op"), "op");
  FloatPair in;
  const std::size_t count = FloatPairArg(call, &args.loop, &in);
  args.a = static_cast<const float*>(in.a.data);
  args.b = static_cast<const float*>(in.b.data);
  args.out = Float32Arg(call.Get("output"), "output", count);
  const BufferSpan out = FloatSpan(args.out, count, "output");
  CheckApartOrSame(env, out, SpanOf(in.a, "a"));
  CheckApartOrSame(env, out, SpanOf(in.b, "b"));
  vrnn::Binary(args);
  return env.Undefined();
}

Napi::Value Compare(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::CompareArgs args;
  args.kind = CompareKindArg(call.Get("op"), "op");
  FloatPair in;
  const std::size_t count = FloatPairArg(call, &args.loop, &in);
  const TypedArrayView out = TypedArrayOf(call.Get("output"), "output", kMaskTypes, kMaskTypeNames);
  CheckLength(env, out, "output", count);
  args.a = static_cast<const float*>(in.a.data);
  args.b = static_cast<const float*>(in.b.data);
  args.out = out.data;
  args.out_type = ElementTypeOf(out.type);
  CheckApartOrSame(env, SpanOf(out, "output"), SpanOf(in.a, "a"));
  CheckApartOrSame(env, SpanOf(out, "output"), SpanOf(in.b, "b"));
  vrnn::Compare(args);
  return env.Undefined();
}

Napi::Value Where(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::WhereArgs args;
  const std::size_t count = LoopShapeArg(call, "shape", &args.loop);
  const TypedArrayView condition =
      StridedArg(call, "condition", "conditionStrides", &args.loop, 0, 1, kMaskTypes, kMaskTypeNames);
  const TypedArrayView x = StridedArg(call, "x", "xStrides", &args.loop, 1, 1, kFloat32, "a Float32Array");
  const TypedArrayView y = StridedArg(call, "y", "yStrides", &args.loop, 2, 1, kFloat32, "a Float32Array");
  args.condition = condition.data;
  args.condition_type = ElementTypeOf(condition.type);
  args.x = static_cast<const float*>(x.data);
  args.y = static_cast<const float*>(y.data);
  args.out = Float32Arg(call.Get("output"), "output", count);
  const BufferSpan out = FloatSpan(args.out, count, "output");
  CheckApartOrSame(env, out, SpanOf(condition, "condition"));
  CheckApartOrSame(env, out, SpanOf(x, "x"));
  CheckApartOrSame(env, out, SpanOf(y, "y"));
  vrnn::Where(args);
  return env.Undefined();
}

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::GemmArgs args;
  args.m = BlasSizeArg(call, "m");
  args.n = BlasSizeArg(call, "n");
  args.k = BlasSizeArg(call, "k");
  args.trans_a = BoolArg(call.Get("transA"), "transA");
  args.trans_b = BoolArg(call.Get("transB"), "transB");
  args.alpha = static_cast<float>(NumberArg(call.Get("alpha"), "alpha"));
  args.beta = static_cast<float>(NumberArg(call.Get("beta"), "beta"));
  const std::size_t a_count = CheckedProduct(env, args.m, args.k, "a");
  const std::size_t b_count = CheckedProduct(env, args.k, args.n, "b");
  const std::size_t out_count = CheckedProduct(env, args.m, args.n, "output");
  args.a = Float32Arg(call.Get("a"), "a", a_count);
  args.b = Float32Arg(call.Get("b"), "b", b_count);
  args.out = Float32Arg(call.Get("output"), "output", out_count);
  const BufferSpan out = FloatSpan(args.out, out_count, "output");
  CheckApart(env, out, FloatSpan(args.a, a_count, "a"));
  CheckApart(env, out, FloatSpan(args.b, b_count, "b"));
  const Napi::Value c = call.Get("c");
  if (!c.IsNull() && !c.IsUndefined()) {
    vrnn::StridedLoop<1> c_loop;  // C over the output's [m, n]
    c_loop.rank = 2;
    c_loop.dims[0] = args.m;
    c_loop.dims[1] = args.n;
    const TypedArrayView c_view = StridedArg(call, "c", "cStrides", &c_loop, 0, 1, kFloat32, "a Float32Array");
    args.c = static_cast<const float*>(c_view.data);
    args.c_row_stride = c_loop.strides[0][0];
    args.c_col_stride = c_loop.strides[0][1];
    CheckApart(env, out, SpanOf(c_view, "c"));
  }
  vrnn::Gemm(args);
  return env.Undefined();
}

Napi::Value MatMul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::MatMulArgs args;
  args.m = BlasSizeArg(call, "m");
  args.n = BlasSizeArg(call, "n");
  args.k = BlasSizeArg(call, "k");
  const std::size_t batches = LoopShapeArg(call, "batchShape", &args.batch);
  const TypedArrayView a = StridedArg(call, "a", "aBatchStrides", &args.batch, 0,
                                      CheckedProduct(env, args.m, args.k, "a"), kFloat32, "a Float32Array");
  const TypedArrayView b = StridedArg(call, "b", "bBatchStrides", &args.batch, 1,
                                      CheckedProduct(env, args.k, args.n, "b"), kFloat32, "a Float32Array");
  const std::size_t out_count = CheckedProduct(env, batches, CheckedProduct(env, args.m, args.n, "output"), "output");
  args.a = static_cast<const float*>(a.data);
  args.b = static_cast<const float*>(b.data);
  args.out = Float32Arg(call.Get("output"), "output", out_count);
  const BufferSpan out = FloatSpan(args.out, out_count, "output");
  CheckApart(env, out, SpanOf(a, "a"));
  CheckApart(env, out, SpanOf(b, "b"));
  vrnn::BatchedMatMul(args);
  return env.Undefined();
}

}  // namespace vrnn_binding
