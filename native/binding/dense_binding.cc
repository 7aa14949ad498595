#include "dense_binding.h"

#include <limits>

#include "../kernel/dense.h"
#include "enum_names.h"
#include "js_args.h"

namespace vrnn_binding {

Napi::Value Dense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  constexpr int64_t kMaxBlas = std::numeric_limits<int32_t>::max();
  const Napi::Object call = ObjectArg(info[0], "call");
  vrnn::DenseArgs args;
  args.rows = IntegerArg(call.Get("rows"), "rows", 0, kMaxBlas);
  args.in = IntegerArg(call.Get("inputSize"), "inputSize", 1, kMaxBlas);
  args.units = IntegerArg(call.Get("units"), "units", 1, kMaxBlas);
  args.input = Float32Arg(call.Get("input"), "input", CheckedProduct(env, args.rows, args.in, "input"));
  args.kernel = Float32Arg(call.Get("kernel"), "kernel", CheckedProduct(env, args.in, args.units, "kernel"));
  args.bias = OptionalFloat32Arg(call.Get("bias"), "bias", args.units);
  const Napi::Value activation = call.Get("activation");
  args.softmax = activation.IsString() && activation.As<Napi::String>().Utf8Value() == "Softmax";
  if (!args.softmax) {
    const Napi::Object spec = ObjectArg(activation, "activation");
    args.activation.kind = ActivationKindArg(spec.Get("name"), "activation");
    args.activation.alpha = static_cast<float>(NumberArg(spec.Get("alpha"), "alpha"));
    args.activation.beta = static_cast<float>(NumberArg(spec.Get("beta"), "beta"));
  }
  args.output = Float32Arg(call.Get("output"), "output", CheckedProduct(env, args.rows, args.units, "output"));
  vrnn::DenseForward(args);
  return env.Undefined();
}

}  // namespace vrnn_binding
