// The probes' loops for NEON (see probe_loops.h).
#include "hardware_probes.h"

#if defined(__aarch64__)
#include "../kernel/simd_neon.h"
#include "probe_loops.h"

namespace vrnn {
namespace probes {
double FmaChainsNeon(std::int64_t iterations, float* sink) { return FmaChains<simd::Neon>(iterations, sink); }
float ReadSumNeon(const float* data, std::size_t floats, int passes) { return ReadSum<simd::Neon>(data, floats, passes); }
}  // namespace probes
}  // namespace vrnn

#else

namespace vrnn {
namespace probes {
double FmaChainsNeon(std::int64_t, float*) { return 0.0; }
float ReadSumNeon(const float*, std::size_t, int) { return 0.0f; }
}  // namespace probes
}  // namespace vrnn

#endif
