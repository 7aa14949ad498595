#include "step_kernel.h"

namespace vrnn {

StepKernel StepKernelFor(KernelPath path) {
  if (!KernelPathSupported(path)) path = KernelPath::kPortable;
  switch (path) {
    case KernelPath::kAvx512: return StepAvx512;
    case KernelPath::kAvx2: return StepAvx2;
    case KernelPath::kNeon: return StepNeon;
    default: return StepPortable;
  }
}

StepKernel ProjectionKernelFor(KernelPath path) {
  if (!KernelPathSupported(path) || path == KernelPath::kPortable) return nullptr;
  return StepKernelFor(path);
}

}  // namespace vrnn
