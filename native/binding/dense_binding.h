// dense(input, rows, in, kernel, bias | null, units, activationKind | "softmax", alpha, beta, output):
// Keras Dense on the kernel.
#pragma once

#include <napi.h>

namespace vrnn_binding {

Napi::Value Dense(const Napi::CallbackInfo& info);

}  // namespace vrnn_binding
