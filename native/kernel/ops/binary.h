// Binary elementwise ops with numpy broadcasting: arithmetic into float32, comparisons into a 0/1
// mask. Operand 0 of the loop is `a`, operand 1 is `b`; `out` is contiguous over the loop's shape and
// may be `a` or `b` itself when that operand is not broadcast.
#pragma once

#include "element_type.h"
#include "strided_loop.h"

namespace vrnn {

enum class BinaryKind : int {
  kAdd = 0,
  kSub = 1,
  kMul = 2,
  kDiv = 3,
  kPow = 4,
  kMax = 5,    // NaN if either is NaN, as numpy.maximum and torch.maximum
  kMin = 6,
  kPRelu = 7,  // a < 0 ? b * a : a (b is the slope)
};

enum class CompareKind : int {
  kEqual = 0,
  kLess = 1,
  kLessOrEqual = 2,
  kGreater = 3,
  kGreaterOrEqual = 4,
};

struct BinaryArgs {
  BinaryKind kind = BinaryKind::kAdd;
  const float* a = nullptr;
  const float* b = nullptr;
  float* out = nullptr;
  StridedLoop<2> loop;
};

struct CompareArgs {
  CompareKind kind = CompareKind::kEqual;
  const float* a = nullptr;
  const float* b = nullptr;
  void* out = nullptr;  // 1 where the comparison holds, else 0 (always 0 with a NaN)
  ElementType out_type = ElementType::kUint8;
  StridedLoop<2> loop;
};

void Binary(const BinaryArgs& args);
void Compare(const CompareArgs& args);

}  // namespace vrnn
