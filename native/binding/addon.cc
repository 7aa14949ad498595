// Module entry point: registers the binding's classes.
#include <napi.h>

#include "dense_binding.h"
#include "native_rnn.h"

static Napi::Object InitVanillaRnn(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeRnn", vrnn_binding::NativeRnn::Constructor(env));
  exports.Set("dense", Napi::Function::New<vrnn_binding::Dense>(env, "dense"));
  return exports;
}

NODE_API_MODULE(vanilla_rnn, InitVanillaRnn)
