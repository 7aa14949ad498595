// The AVX-512 step: step_blocked.h over the AVX-512 mapping.
#include "step_kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "simd_target.h"

// GCC 12 warns inside its own avx512fintrin.h (_mm512_undefined_ps in min/max): a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

VRNN_TARGET_BEGIN("avx512f,fma")
#include "simd_avx512.h"
#include "step_blocked.h"

namespace vrnn {
void StepAvx512(const PackedStepWeights& w, const StepRows& rows, std::size_t col_begin, std::size_t col_end) {
  simd::StepBlocked<simd::Avx512>(w, rows, col_begin, col_end);
}
}  // namespace vrnn
VRNN_TARGET_END

#else

namespace vrnn {
void StepAvx512(const PackedStepWeights& w, const StepRows& rows, std::size_t b, std::size_t e) {
  StepPortable(w, rows, b, e);
}
}  // namespace vrnn

#endif
