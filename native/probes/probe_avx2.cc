// The probes' loops for avx2 (see probe_loops.h).
#include "hardware_probes.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "../kernel/simd_target.h"

VRNN_TARGET_BEGIN("avx2,fma")
#include "../kernel/simd_avx2.h"
#include "probe_loops.h"

namespace vrnn {
namespace probes {
double FmaChainsAvx2(std::int64_t iterations, float* sink) { return FmaChains<simd::Avx2>(iterations, sink); }
float ReadSumAvx2(const float* data, std::size_t floats, int passes) { return ReadSum<simd::Avx2>(data, floats, passes); }
}  // namespace probes
}  // namespace vrnn
VRNN_TARGET_END

#else

namespace vrnn {
namespace probes {
double FmaChainsAvx2(std::int64_t, float*) { return 0.0; }
float ReadSumAvx2(const float*, std::size_t, int) { return 0.0f; }
}  // namespace probes
}  // namespace vrnn

#endif
