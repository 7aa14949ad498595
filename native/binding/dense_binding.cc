#include "dense_binding.h"

#include <limits>

#include "../kernel/dense.h"
#include "js_args.h"

namespace vrnn_binding {

Napi::Value Dense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  constexpr int64_t kMaxBlas = std::numeric_limits<int32_t>::max();
  vrnn::DenseArgs args;
  args.rows = IntegerArg(info[1], "rows", 0, kMaxBlas);
  args.in = IntegerArg(info[2], "in", 1, kMaxBlas);
  args.units = IntegerArg(info[5], "units", 1, kMaxBlas);
  args.input = Float32Arg(info[0], "input", CheckedProduct(env, args.rows, args.in, "input"));
  args.kernel = Float32Arg(info[3], "kernel", CheckedProduct(env, args.in, args.units, "kernel"));
  args.bias = OptionalFloat32Arg(info[4], "bias", args.units);
  args.softmax = info[6].IsString() && info[6].As<Napi::String>().Utf8Value() == "softmax";
  if (!args.softmax) {
    args.activation.kind = static_cast<vrnn::ActivationKind>(
        IntegerArg(info[6], "activation", 0, vrnn::kActivationKindCount - 1));
    args.activation.alpha = static_cast<float>(NumberArg(info[7], "alpha"));
    args.activation.beta = static_cast<float>(NumberArg(info[8], "beta"));
  }
  args.output = Float32Arg(info[9], "output", CheckedProduct(env, args.rows, args.units, "output"));
  vrnn::DenseForward(args);
  return env.Undefined();
}

}  // namespace vrnn_binding
