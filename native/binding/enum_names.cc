#include "enum_names.h"

#include <string>

namespace vrnn_binding {
namespace {

template <typename Kind>
struct Named {
  const char* name;
  Kind kind;
};

constexpr Named<vrnn::ActivationKind> kActivationNames[] = {
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

constexpr Named<vrnn::UnaryKind> kUnaryNames[] = {
    {"Exp", vrnn::UnaryKind::kExp},
    {"Log", vrnn::UnaryKind::kLog},
    {"Neg", vrnn::UnaryKind::kNeg},
    {"Abs", vrnn::UnaryKind::kAbs},
    {"Sqrt", vrnn::UnaryKind::kSqrt},
    {"Reciprocal", vrnn::UnaryKind::kReciprocal},
    {"Erf", vrnn::UnaryKind::kErf},
    {"Gelu", vrnn::UnaryKind::kGelu},
    {"GeluTanh", vrnn::UnaryKind::kGeluTanh},
    {"Silu", vrnn::UnaryKind::kSilu},
    {"HardSwish", vrnn::UnaryKind::kHardSwish},
    {"Mish", vrnn::UnaryKind::kMish},
    {"Clip", vrnn::UnaryKind::kClip},
    {"Identity", vrnn::UnaryKind::kIdentity},
};

constexpr Named<vrnn::BinaryKind> kBinaryNames[] = {
    {"Add", vrnn::BinaryKind::kAdd},
    {"Sub", vrnn::BinaryKind::kSub},
    {"Mul", vrnn::BinaryKind::kMul},
    {"Div", vrnn::BinaryKind::kDiv},
    {"Pow", vrnn::BinaryKind::kPow},
    {"Max", vrnn::BinaryKind::kMax},
    {"Min", vrnn::BinaryKind::kMin},
    {"PRelu", vrnn::BinaryKind::kPRelu},
};

constexpr Named<vrnn::CompareKind> kCompareNames[] = {
    {"Equal", vrnn::CompareKind::kEqual},
    {"Less", vrnn::CompareKind::kLess},
    {"LessOrEqual", vrnn::CompareKind::kLessOrEqual},
    {"Greater", vrnn::CompareKind::kGreater},
    {"GreaterOrEqual", vrnn::CompareKind::kGreaterOrEqual},
};

constexpr Named<vrnn::ReduceKind> kReduceNames[] = {
    {"Sum", vrnn::ReduceKind::kSum},
    {"Mean", vrnn::ReduceKind::kMean},
    {"Max", vrnn::ReduceKind::kMax},
    {"Min", vrnn::ReduceKind::kMin},
};

constexpr Named<bool> kArgReduceNames[] = {
    {"ArgMax", true},
    {"ArgMin", false},
};

std::string StringArg(const Napi::Value& value, const char* name) {
  if (!value.IsString()) throw Napi::TypeError::New(value.Env(), std::string(name) + ": expected a string");
  return value.As<Napi::String>().Utf8Value();
}

template <typename Kind, std::size_t N>
bool Find(const Named<Kind> (&table)[N], const std::string& given, Kind* kind) {
  for (const Named<Kind>& entry : table) {
    if (given == entry.name) {
      *kind = entry.kind;
      return true;
    }
  }
  return false;
}

// The kind `value` names in `table`, or a TypeError saying it is no known `what`.
template <typename Kind, std::size_t N>
Kind Lookup(const Napi::Value& value, const char* name, const Named<Kind> (&table)[N], const char* what) {
  const std::string given = StringArg(value, name);
  Kind kind;
  if (!Find(table, given, &kind)) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + ": unknown " + what + " '" + given + "'");
  }
  return kind;
}

}  // namespace

vrnn::ActivationKind ActivationKindArg(const Napi::Value& value, const char* name) {
  return Lookup(value, name, kActivationNames, "activation");
}

vrnn::UnaryKind UnaryKindArg(const Napi::Value& value, const char* name, vrnn::ActivationKind* activation) {
  const std::string given = StringArg(value, name);
  vrnn::UnaryKind kind;
  if (Find(kActivationNames, given, activation)) return vrnn::UnaryKind::kActivation;
  if (Find(kUnaryNames, given, &kind)) return kind;
  throw Napi::TypeError::New(value.Env(), std::string(name) + ": unknown unary op '" + given + "'");
}

vrnn::BinaryKind BinaryKindArg(const Napi::Value& value, const char* name) {
  return Lookup(value, name, kBinaryNames, "binary op");
}

vrnn::CompareKind CompareKindArg(const Napi::Value& value, const char* name) {
  return Lookup(value, name, kCompareNames, "comparison");
}

vrnn::ReduceKind ReduceKindArg(const Napi::Value& value, const char* name) {
  return Lookup(value, name, kReduceNames, "reduction");
}

bool ArgMaxArg(const Napi::Value& value, const char* name) { return Lookup(value, name, kArgReduceNames, "op"); }

vrnn::Direction DirectionArg(const Napi::Value& value, const char* name) {
  const std::string given = StringArg(value, name);
  if (given == "forward") return vrnn::Direction::kForward;
  if (given == "reverse") return vrnn::Direction::kReverse;
  if (given == "bidirectional") return vrnn::Direction::kBidirectional;
  throw Napi::TypeError::New(value.Env(), std::string(name) + ": unknown direction '" + given + "'");
}

}  // namespace vrnn_binding
