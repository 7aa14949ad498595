// The strings JS uses for the kernel's enums, mapped here once.
#pragma once

#include <napi.h>

#include "../kernel/activation.h"
#include "../kernel/rnn_spec.h"

namespace vrnn_binding {

// "Tanh", "Relu", ... (the ONNX names, plus "Selu"); a TypeError for anything else.
vrnn::ActivationKind ActivationKindArg(const Napi::Value& value, const char* name);
// "forward", "reverse", "bidirectional".
vrnn::Direction DirectionArg(const Napi::Value& value, const char* name);

}  // namespace vrnn_binding
