#include "kernel_path.h"

namespace vrnn {

bool KernelPathSupported(KernelPath path) {
  switch (path) {
    case KernelPath::kPortable:
      return true;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    // __builtin_cpu_supports also checks that the OS saves the wider registers (XCR0).
    case KernelPath::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case KernelPath::kAvx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
#endif
#if defined(__aarch64__)
    case KernelPath::kNeon:
      return true;
#endif
    default:
      return false;
  }
}

KernelPath BestKernelPath() {
  for (KernelPath path : kAllKernelPaths) {
    if (KernelPathSupported(path)) return path;
  }
  return KernelPath::kPortable;
}

const char* KernelPathName(KernelPath path) {
  switch (path) {
    case KernelPath::kAvx512: return "avx512";
    case KernelPath::kAvx2: return "avx2";
    case KernelPath::kNeon: return "neon";
    default: return "portable";
  }
}

bool ParseKernelPath(const std::string& name, KernelPath* path) {
  if (name == "auto") *path = BestKernelPath();
  else if (name == "avx512") *path = KernelPath::kAvx512;
  else if (name == "avx2") *path = KernelPath::kAvx2;
  else if (name == "neon") *path = KernelPath::kNeon;
  else if (name == "portable") *path = KernelPath::kPortable;
  else return false;
  return true;
}

}  // namespace vrnn
