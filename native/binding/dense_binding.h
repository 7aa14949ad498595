// dense({ input, rows, inputSize, kernel, bias | null, units, activation | "Softmax", output }):
// Keras Dense on the kernel (typed in lib/native/binding.ts).
#pragma once

#include <napi.h>

namespace vrnn_binding {

Napi::Value Dense(const Napi::CallbackInfo& info);

}  // namespace vrnn_binding
