#include "strided_args.h"

#include <cstdint>
#include <string>

namespace vrnn_binding {
namespace {

constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

}  // namespace

int ShapeArg(const Napi::Value& value, const char* name, std::size_t* dims) {
  int64_t read[vrnn::kMaxRank];
  const int rank = IntegerArrayArg(value, name, vrnn::kMaxRank, 0, kMaxSafeInteger, read);
  for (int axis = 0; axis < rank; ++axis) dims[axis] = static_cast<std::size_t>(read[axis]);
  return rank;
}

std::size_t StridesArg(const Napi::Value& value, const char* name, int rank, const std::size_t* dims,
                       std::ptrdiff_t* strides, std::size_t block) {
  Napi::Env env = value.Env();
  int64_t read[vrnn::kMaxRank];
  const int count = IntegerArrayArg(value, name, vrnn::kMaxRank, 0, kMaxSafeInteger, read);
  if (count != rank) {
    throw Napi::RangeError::New(env, std::string(name) + ": expected " + std::to_string(rank) +
                                         " strides (one per axis of the shape), got " + std::to_string(count));
  }
  bool empty = block == 0;
  std::size_t farthest = 0;
  for (int axis = 0; axis < rank; ++axis) {
    strides[axis] = static_cast<std::ptrdiff_t>(read[axis]);
    if (dims[axis] == 0) {
      empty = true;
      continue;
    }
    farthest = CheckedSum(env, farthest, CheckedProduct(env, dims[axis] - 1, static_cast<std::size_t>(read[axis]), name), name);
  }
  return empty ? 0 : CheckedSum(env, farthest, block, name);
}

}  // namespace vrnn_binding
