// Micro-benchmark of the recurrent step alone, per kernel path: where a forward call's time goes
// once the projection is done. `build-cmake/step_benchmark` after `npm run build:cmake`.
// Times are this thread's CPU time (time descheduled on a shared machine does not count), the
// best of 15 rounds, and GFLOP/s is set against the path's one-core FMA peak measured now.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "../kernel/step_kernel.h"
#include "../probes/hardware_probes.h"

namespace {

double ThreadNanoseconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

double NanosecondsPerStep(vrnn::StepKernel kernel, std::size_t hidden, std::size_t rows) {
  const std::size_t columns = vrnn::PaddedColumns(hidden);
  std::vector<float> w(vrnn::PackedFloats(hidden, hidden), 0.01f), bias(columns, 0.0f), p(rows * hidden, 0.1f);
  // Each step reads the state the previous one wrote, as the recurrence does.
  std::vector<float> states[2] = {std::vector<float>(rows * hidden, 0.5f), std::vector<float>(rows * hidden)};
  std::vector<const float*> h_rows[2], p_rows(rows);
  std::vector<float*> out_rows[2];
  for (int s = 0; s < 2; ++s) {
    for (std::size_t r = 0; r < rows; ++r) {
      h_rows[s].push_back(states[s].data() + r * hidden);
      out_rows[s].push_back(states[1 - s].data() + r * hidden);
    }
  }
  for (std::size_t r = 0; r < rows; ++r) p_rows[r] = p.data() + r * hidden;
  const vrnn::PackedStepWeights weights{w.data(), bias.data(), hidden, {vrnn::ActivationKind::kTanh, 0, 0}, 1e30f};
  const vrnn::StepRows steps[2] = {{h_rows[0].data(), p_rows.data(), out_rows[0].data(), rows},
                                   {h_rows[1].data(), p_rows.data(), out_rows[1].data(), rows}};
  const int repeats = static_cast<int>(std::max<std::size_t>(20, 20000000 / (rows * hidden * hidden + 1)));
  double best = 1e300;
  for (int round = 0; round < 15; ++round) {
    const double start = ThreadNanoseconds();
    for (int i = 0; i < repeats; ++i) kernel(weights, steps[i & 1], 0, hidden);
    best = std::min(best, (ThreadNanoseconds() - start) / repeats);
  }
  return best;
}

}  // namespace

int main() {
  const std::size_t shapes[][2] = {{64, 1}, {128, 1}, {256, 1}, {512, 1}, {64, 16}, {256, 16}, {512, 64}, {128, 256}};
  std::printf("%-9s %6s %5s %12s %10s %8s\n", "path", "H", "B", "ns/step", "GFLOP/s", "% peak");
  for (vrnn::KernelPath path : vrnn::kAllKernelPaths) {
    if (!vrnn::KernelPathSupported(path)) continue;
    const double peak = vrnn::probes::FmaPeakGflops(path, 1);
    for (const auto& shape : shapes) {
      const double ns = NanosecondsPerStep(vrnn::StepKernelFor(path), shape[0], shape[1]);
      const double gflops = 2.0 * shape[1] * shape[0] * shape[0] / ns;
      std::printf("%-9s %6zu %5zu %12.0f %10.1f %7.0f%%\n", vrnn::KernelPathName(path), shape[0], shape[1], ns, gflops,
                  peak > 0 ? 100.0 * gflops / peak : 0.0);
    }
  }
  return 0;
}
