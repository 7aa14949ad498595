// The instruction-set paths of the recurrent step, chosen at run time from CPUID so one binary
// runs on any x86-64; on AArch64 NEON is always there.
#pragma once

#include <string>

namespace vrnn {

enum class KernelPath : int { kPortable = 0, kAvx2 = 1, kAvx512 = 2, kNeon = 3 };

// Every path, fastest first.
constexpr KernelPath kAllKernelPaths[] = {KernelPath::kAvx512, KernelPath::kAvx2, KernelPath::kNeon, KernelPath::kPortable};

// Whether this CPU (and OS) can run the path.
bool KernelPathSupported(KernelPath path);
// The fastest supported path.
KernelPath BestKernelPath();
const char* KernelPathName(KernelPath path);
// Parses "portable", "avx2", "avx512", "neon" or "auto" (the best); false for anything else.
bool ParseKernelPath(const std::string& name, KernelPath* path);

}  // namespace vrnn
