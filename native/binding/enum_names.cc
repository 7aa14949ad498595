#include "enum_names.h"

#include <string>

namespace vrnn_binding {
namespace {

struct ActivationName {
  const char* name;
  vrnn::ActivationKind kind;
};

constexpr ActivationName kActivationNames[] = {
    {"Tanh", vrnn::ActivationKind::kTanh},
    {"Relu", vrnn::ActivationKind::kRelu},
    {"Sigmoid", vrnn::ActivationKind::kSigmoid},
    {"Affine", vrnn::ActivationKind::kAffine},
    {"LeakyRelu", vrnn::ActivationKind::kLeakyRelu},
    {"ThresholdedRelu", vrnn::ActivationKind::kThresholdedRelu},
    {"ScaledTanh", vrnn::ActivationKind::kScaledTanh},
    {"HardSigmoid", vrnn::ActivationKind::kHardSigmoid},
    {"Elu", vrnn::ActivationKind::kElu},
    {"Softsign", vrnn::ActivationKind::kSoftsign},
    {"Softplus", vrnn::ActivationKind::kSoftplus},
    {"Selu", vrnn::ActivationKind::kSelu},
};

std::string StringArg(const Napi::Value& value, const char* name) {
  if (!value.IsString()) throw Napi::TypeError::New(value.Env(), std::string(name) + ": expected a string");
  return value.As<Napi::String>().Utf8Value();
}

}  // namespace

vrnn::ActivationKind ActivationKindArg(const Napi::Value& value, const char* name) {
  const std::string given = StringArg(value, name);
  for (const ActivationName& entry : kActivationNames) {
    if (given == entry.name) return entry.kind;
  }
  throw Napi::TypeError::New(value.Env(), std::string(name) + ": unknown activation '" + given + "'");
}

vrnn::Direction DirectionArg(const Napi::Value& value, const char* name) {
  const std::string given = StringArg(value, name);
  if (given == "forward") return vrnn::Direction::kForward;
  if (given == "reverse") return vrnn::Direction::kReverse;
  if (given == "bidirectional") return vrnn::Direction::kBidirectional;
  throw Napi::TypeError::New(value.Env(), std::string(name) + ": unknown direction '" + given + "'");
}

}  // namespace vrnn_binding
