// The AVX2 + FMA step: step_blocked.h over the AVX2 mapping.
#include "step_kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "simd_target.h"

VRNN_TARGET_BEGIN("avx2,fma")
#include "simd_avx2.h"
#include "step_blocked.h"

namespace vrnn {
void StepAvx2(const PackedStepWeights& w, const StepRows& rows, std::size_t col_begin, std::size_t col_end) {
  simd::StepBlocked<simd::Avx2>(w, rows, col_begin, col_end);
}
}  // namespace vrnn
VRNN_TARGET_END

#else

namespace vrnn {
void StepAvx2(const PackedStepWeights& w, const StepRows& rows, std::size_t b, std::size_t e) {
  StepPortable(w, rows, b, e);
}
}  // namespace vrnn

#endif
