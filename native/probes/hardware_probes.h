// What this machine can do at best, measured in the same run as the figures set against it:
// the float32 FMA peak of each SIMD path on all cores, and one core's read bandwidth from L2.
// Plain C++ for the benchmarks (native/tests, and the JS bench through the addon).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../kernel/kernel_path.h"

namespace vrnn {
namespace probes {

// GFLOP/s (an FMA lane counts 2) of `threads` threads each running independent FMA chains of the
// path's vectors; the best of several short trials. 0 for the portable path and unsupported ones.
double FmaPeakGflops(KernelPath path, int threads);

// GB/s one core reads from a `bytes` buffer (size it past L1 and within L2 for the L2 rate) with
// the path's vector loads; the best of several short trials. 0 where FmaPeakGflops is.
double ReadBandwidthGBps(KernelPath path, std::size_t bytes);

// The timed loops, one per instruction set (probe_<isa>.cc).
double FmaChainsAvx512(std::int64_t iterations, float* sink);
double FmaChainsAvx2(std::int64_t iterations, float* sink);
double FmaChainsNeon(std::int64_t iterations, float* sink);
float ReadSumAvx512(const float* data, std::size_t floats, int passes);
float ReadSumAvx2(const float* data, std::size_t floats, int passes);
float ReadSumNeon(const float* data, std::size_t floats, int passes);

}  // namespace probes
}  // namespace vrnn
