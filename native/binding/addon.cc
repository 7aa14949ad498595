// Module entry point: per-environment data, process setup, and the binding's functions.
#include <napi.h>

#include <cstdlib>

#include "addon_data.h"
#include "dense_binding.h"
#include "native_rnn.h"
#include "ops_binding.h"
#include "runtime_binding.h"

static Napi::Object InitVanillaRnn(Napi::Env env, Napi::Object exports) {
  vrnn_binding::InitProcessOnce();
  auto* data = new vrnn_binding::AddonData();
  if (const char* forced = std::getenv("VANILLA_RNN_KERNEL")) {
    vrnn::KernelPath path;
    if (vrnn::ParseKernelPath(forced, &path) && vrnn::KernelPathSupported(path)) data->kernel_path = path;
  }
  env.SetInstanceData(data);  // deleted by Node when the environment (thread) goes away
  exports.Set("NativeRnn", vrnn_binding::NativeRnn::Constructor(env));
  exports.Set("dense", Napi::Function::New<vrnn_binding::Dense>(env, "dense"));
  exports.Set("unary", Napi::Function::New<vrnn_binding::Unary>(env, "unary"));
  exports.Set("binary", Napi::Function::New<vrnn_binding::Binary>(env, "binary"));
  exports.Set("compare", Napi::Function::New<vrnn_binding::Compare>(env, "compare"));
  exports.Set("where", Napi::Function::New<vrnn_binding::Where>(env, "where"));
  exports.Set("gemm", Napi::Function::New<vrnn_binding::Gemm>(env, "gemm"));
  exports.Set("matMul", Napi::Function::New<vrnn_binding::MatMul>(env, "matMul"));
  exports.Set("reduce", Napi::Function::New<vrnn_binding::Reduce>(env, "reduce"));
  exports.Set("maskedReduce", Napi::Function::New<vrnn_binding::MaskedReduce>(env, "maskedReduce"));
  exports.Set("argReduce", Napi::Function::New<vrnn_binding::ArgReduce>(env, "argReduce"));
  exports.Set("softmax", Napi::Function::New<vrnn_binding::Softmax>(env, "softmax"));
  exports.Set("layerNorm", Napi::Function::New<vrnn_binding::LayerNorm>(env, "layerNorm"));
  exports.Set("batchNorm", Napi::Function::New<vrnn_binding::BatchNorm>(env, "batchNorm"));
  exports.Set("gatherRows", Napi::Function::New<vrnn_binding::GatherRows>(env, "gatherRows"));
  exports.Set("setNumThreads", Napi::Function::New<vrnn_binding::SetNumThreads>(env, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New<vrnn_binding::GetNumThreads>(env, "getNumThreads"));
  exports.Set("setKernelPath", Napi::Function::New<vrnn_binding::SetKernelPath>(env, "setKernelPath"));
  exports.Set("getKernelPath", Napi::Function::New<vrnn_binding::GetKernelPath>(env, "getKernelPath"));
  exports.Set("supportedKernelPaths", Napi::Function::New<vrnn_binding::SupportedKernelPaths>(env, "supportedKernelPaths"));
  return exports;
}

NODE_API_MODULE(vanilla_rnn, InitVanillaRnn)
