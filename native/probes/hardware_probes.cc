#include "hardware_probes.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace vrnn {
namespace probes {
namespace {

constexpr int kTrials = 7;

struct PathLoops {
  double (*fma_chains)(std::int64_t, float*);
  float (*read_sum)(const float*, std::size_t, int);
  int width;  // floats a vector
};

bool LoopsFor(KernelPath path, PathLoops* loops) {
  if (!KernelPathSupported(path)) return false;
  switch (path) {
    case KernelPath::kAvx512: *loops = {FmaChainsAvx512, ReadSumAvx512, 16}; return true;
    case KernelPath::kAvx2: *loops = {FmaChainsAvx2, ReadSumAvx2, 8}; return true;
    case KernelPath::kNeon: *loops = {FmaChainsNeon, ReadSumNeon, 4}; return true;
    default: return false;
  }
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// A sink the compiler cannot see through, so the timed loops are not dropped.
std::atomic<float> sink{0.0f};

}  // namespace

double FmaPeakGflops(KernelPath path, int threads) {
  PathLoops loops;
  if (!LoopsFor(path, &loops) || threads < 1) return 0.0;
  // About 10 ms a trial at 100 GFLOP/s a core.
  const std::int64_t iterations = 1000000000LL / (2LL * 16 * loops.width) / 100;
  double best = 0.0;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<double> seconds(threads), flops(threads);
    std::vector<std::thread> team;
    for (int t = 0; t < threads; ++t) {
      team.emplace_back([&, t] {
        ready.fetch_add(1);
        while (!go.load()) std::this_thread::yield();
        const auto start = std::chrono::steady_clock::now();
        float value = 1.0f + t;
        flops[t] = loops.fma_chains(iterations, &value);
        sink.store(value, std::memory_order_relaxed);
        seconds[t] = Seconds(start);
      });
    }
    while (ready.load() < threads) std::this_thread::yield();
    go.store(true);
    for (std::thread& thread : team) thread.join();
    // All threads at once: the slowest sets the rate, as it would for a call split across them.
    const double slowest = *std::max_element(seconds.begin(), seconds.end());
    best = std::max(best, threads * flops[0] / slowest / 1e9);
  }
  return best;
}

double ReadBandwidthGBps(KernelPath path, std::size_t bytes) {
  PathLoops loops;
  if (!LoopsFor(path, &loops)) return 0.0;
  const std::size_t block = 4 * static_cast<std::size_t>(loops.width);
  const std::size_t floats = std::max(block, bytes / sizeof(float) / block * block);
  std::vector<float> data(floats, 1.0f);
  const int passes = static_cast<int>(std::max<std::size_t>(1, (std::size_t{64} << 20) / (floats * sizeof(float))));
  sink.store(loops.read_sum(data.data(), floats, passes), std::memory_order_relaxed);  // brings it into cache
  double best = 0.0;
  for (int trial = 0; trial < kTrials; ++trial) {
    const auto start = std::chrono::steady_clock::now();
    sink.store(loops.read_sum(data.data(), floats, passes), std::memory_order_relaxed);
    best = std::max(best, static_cast<double>(floats) * sizeof(float) * passes / Seconds(start) / 1e9);
  }
  return best;
}

}  // namespace probes
}  // namespace vrnn
