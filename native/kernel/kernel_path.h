// The instruction-set paths of the recurrent step, chosen at run time from CPUID so one binary
// runs on any x86-64 (and builds on arm64, where only the portable path exists).
#pragma once

#include <string>

namespace vrnn {

enum class KernelPath : int { kPortable = 0, kAvx2 = 1, kAvx512 = 2 };

// Whether this CPU (and OS) can run the path.
bool KernelPathSupported(KernelPath path);
// The fastest supported path.
KernelPath BestKernelPath();
const char* KernelPathName(KernelPath path);
// Parses "portable", "avx2", "avx512" or "auto" (the best); false for anything else.
bool ParseKernelPath(const std::string& name, KernelPath* path);

}  // namespace vrnn
