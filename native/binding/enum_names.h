// The strings JS uses for the kernel's enums, mapped here once.
#pragma once

#include <napi.h>

#include "../kernel/activation.h"
#include "../kernel/ops/binary.h"
#include "../kernel/ops/reduce.h"
#include "../kernel/ops/unary.h"
#include "../kernel/rnn_spec.h"

namespace vrnn_binding {

// "Tanh", "Relu", ... (the ONNX names, plus "Selu"); a TypeError for anything else.
vrnn::ActivationKind ActivationKindArg(const Napi::Value& value, const char* name);
// "forward", "reverse", "bidirectional".
vrnn::Direction DirectionArg(const Napi::Value& value, const char* name);

// An activation name gives kActivation with `activation->kind` set; "Exp", "Log", ... "Identity"
// give their own kind (lib/native/ops-binding.ts lists them).
vrnn::UnaryKind UnaryKindArg(const Napi::Value& value, const char* name, vrnn::ActivationKind* activation);
// "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "PRelu".
vrnn::BinaryKind BinaryKindArg(const Napi::Value& value, const char* name);
// "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual".
vrnn::CompareKind CompareKindArg(const Napi::Value& value, const char* name);
// "Sum", "Mean", "Max", "Min".
vrnn::ReduceKind ReduceKindArg(const Napi::Value& value, const char* name);
// "ArgMax" (true) or "ArgMin" (false).
bool ArgMaxArg(const Napi::Value& value, const char* name);

}  // namespace vrnn_binding
