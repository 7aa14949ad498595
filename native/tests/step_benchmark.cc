// Micro-benchmark of the recurrent step alone, per kernel path: where a forward call's time goes
// once the projection is done. `build-cmake/step_benchmark` after `npm run build:cmake`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "../kernel/step_kernel.h"

namespace {

double NanosecondsPerStep(vrnn::StepKernel kernel, std::size_t hidden, std::size_t rows) {
  const std::size_t columns = vrnn::PaddedColumns(hidden);
  std::vector<float> w(hidden * columns, 0.01f), bias(columns, 0.0f), h(rows * hidden, 0.5f), p(rows * hidden, 0.1f);
  std::vector<float> out(rows * hidden);
  std::vector<const float*> h_rows(rows), p_rows(rows);
  std::vector<float*> out_rows(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    h_rows[r] = h.data() + r * hidden;
    p_rows[r] = p.data() + r * hidden;
    out_rows[r] = out.data() + r * hidden;
  }
  const vrnn::PackedStepWeights weights{w.data(), bias.data(), hidden, {vrnn::ActivationKind::kTanh, 0, 0}, 1e30f};
  const vrnn::StepRows step{h_rows.data(), p_rows.data(), out_rows.data(), rows};
  for (int i = 0; i < 50; ++i) kernel(weights, step, 0, hidden);
  const int repeats = static_cast<int>(std::max<std::size_t>(20, 200000000 / (rows * hidden * hidden + 1)));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i) kernel(weights, step, 0, hidden);
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / repeats;
}

}  // namespace

int main() {
  const std::size_t shapes[][2] = {{64, 1}, {128, 1}, {256, 1}, {512, 1}, {256, 16}, {512, 64}, {128, 256}};
  std::printf("%-9s %6s %5s %12s %10s\n", "path", "H", "B", "ns/step", "GFLOP/s");
  for (vrnn::KernelPath path : vrnn::kAllKernelPaths) {
    if (!vrnn::KernelPathSupported(path)) continue;
    for (const auto& shape : shapes) {
      const double ns = NanosecondsPerStep(vrnn::StepKernelFor(path), shape[0], shape[1]);
      std::printf("%-9s %6zu %5zu %12.0f %10.1f\n", vrnn::KernelPathName(path), shape[0], shape[1], ns,
                  2.0 * shape[1] * shape[0] * shape[0] / ns);
    }
  }
  return 0;
}
