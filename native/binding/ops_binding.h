// The tensor ops of native/kernel/ops, one plain object per call (typed in lib/native/ops-binding.ts).
// lib/ has checked shapes; these check what memory safety needs: every buffer's type and length
// against the sizes given, strides within their operand, outputs apart from what is read (or, for
// elementwise ops, the very same buffer), indices within the table.
#pragma once

#include <napi.h>

namespace vrnn_binding {

// ops_binding.cc: elementwise and along one axis.
Napi::Value Unary(const Napi::CallbackInfo& info);
Napi::Value Reduce(const Napi::CallbackInfo& info);
Napi::Value MaskedReduce(const Napi::CallbackInfo& info);
Napi::Value ArgReduce(const Napi::CallbackInfo& info);
Napi::Value Softmax(const Napi::CallbackInfo& info);
Napi::Value LayerNorm(const Napi::CallbackInfo& info);
Napi::Value BatchNorm(const Napi::CallbackInfo& info);
Napi::Value GatherRows(const Napi::CallbackInfo& info);

// ops_strided_binding.cc: operands read through strides (broadcasting) and matrix products.
Napi::Value Binary(const Napi::CallbackInfo& info);
Napi::Value Compare(const Napi::CallbackInfo& info);
Napi::Value Where(const Napi::CallbackInfo& info);
Napi::Value Gemm(const Napi::CallbackInfo& info);
Napi::Value MatMul(const Napi::CallbackInfo& info);

}  // namespace vrnn_binding
