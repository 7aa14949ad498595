// The NEON step (AArch64, where NEON is the baseline): step_blocked.h over the NEON mapping.
#include "step_kernel.h"

#if defined(__aarch64__)
#include "simd_neon.h"
#include "step_blocked.h"

namespace vrnn {
void StepNeon(const PackedStepWeights& w, const StepRows& rows, std::size_t col_begin, std::size_t col_end) {
  simd::StepBlocked<simd::Neon>(w, rows, col_begin, col_end);
}
}  // namespace vrnn

#else

namespace vrnn {
void StepNeon(const PackedStepWeights& w, const StepRows& rows, std::size_t b, std::size_t e) {
  StepPortable(w, rows, b, e);
}
}  // namespace vrnn

#endif
