// The bench's configs through the kernel alone (no Node), set against this machine measured in the
// same run: each SIMD path's FMA peak on all cores, and for B = 1 the L2 floor (W_hh re-read from
// one core's L2 every step). `build-cmake/forward_benchmark [threads] [--neighbour] [--only name]`
// after `npm run build:cmake`. --neighbour keeps another thread spinning throughout (a busy
// neighbour on one core) to show whether more threads still help.
#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../kernel/compute_threads.h"
#include "../kernel/rnn_model.h"
#include "../kernel/step_kernel.h"
#include "../probes/hardware_probes.h"

namespace {

struct Config {
  const char* name;
  std::size_t steps, batch, input, hidden;
  int layers;
  bool bidirectional;
};

const Config kConfigs[] = {
    {"latency_b1_h256", 100, 1, 256, 256, 1, false}, {"batch64_h512", 100, 64, 512, 512, 1, false},
    {"long_b1_h64", 1000, 1, 64, 64, 1, false},      {"batch256_h128", 50, 256, 128, 128, 1, false},
    {"stack2_bidir_b16_h256", 100, 16, 128, 256, 2, true}, {"tiny_call", 1, 1, 8, 8, 1, false},
};

double Microseconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - since).count();
}

// The median of one block of calls lasting about `block_us`.
double BlockMedian(const std::function<void()>& call, double block_us) {
  std::vector<double> times;
  const auto block_start = std::chrono::steady_clock::now();
  do {
    const auto start = std::chrono::steady_clock::now();
    call();
    times.push_back(Microseconds(start));
  } while (Microseconds(block_start) < block_us || times.size() < 3);
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return times[times.size() / 2];
}

// Variants take turns in blocks of 0.1 s, so a slow spell of a shared machine hits them alike;
// each one's figure is the median of its blocks' medians.
std::vector<double> TakeTurns(const std::vector<std::function<void()>>& variants, int rounds) {
  std::vector<std::vector<double>> medians(variants.size());
  for (const auto& v : variants) v();
  for (int round = 0; round < rounds; ++round) {
    for (std::size_t i = 0; i < variants.size(); ++i) medians[i].push_back(BlockMedian(variants[i], 1e5));
  }
  std::vector<double> result;
  for (std::vector<double>& m : medians) {
    std::nth_element(m.begin(), m.begin() + m.size() / 2, m.end());
    result.push_back(m[m.size() / 2]);
  }
  return result;
}

std::vector<float> Uniform(std::mt19937& rng, std::size_t n, float bound) {
  std::uniform_real_distribution<float> u(-bound, bound);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

vrnn::RnnModel BuildModel(const Config& c, std::mt19937& rng) {
  vrnn::RnnSpec spec;
  spec.input_size = static_cast<int>(c.input);
  spec.hidden_size = static_cast<int>(c.hidden);
  spec.num_layers = c.layers;
  spec.direction = c.bidirectional ? vrnn::Direction::kBidirectional : vrnn::Direction::kForward;
  vrnn::RnnModel model(spec);
  const float bound = 1.0f / std::sqrt(static_cast<float>(c.hidden));
  for (int layer = 0; layer < c.layers; ++layer) {
    for (int dir = 0; dir < spec.num_directions(); ++dir) {
      const std::size_t in = spec.layer_input_size(layer);
      const std::vector<float> w_ih = Uniform(rng, c.hidden * in, bound), w_hh = Uniform(rng, c.hidden * c.hidden, bound);
      const std::vector<float> bias = Uniform(rng, c.hidden, bound);
      model.SetWeights(layer, dir, w_ih.data(), w_hh.data(), bias.data(), bias.data());
    }
  }
  return model;
}

double FlopsPerCall(const Config& c) {
  const int nd = c.bidirectional ? 2 : 1;
  double flops = 0;
  for (int layer = 0; layer < c.layers; ++layer) {
    const double in = layer == 0 ? c.input : nd * c.hidden;
    flops += nd * 2.0 * c.steps * c.batch * (in * c.hidden + static_cast<double>(c.hidden) * c.hidden);
  }
  return flops;
}

// One forward call as a user makes it: fresh outputs, the model's own workspace kept.
struct Call {
  const vrnn::RnnModel* model;
  const Config* config;
  const std::vector<float>* x;
  vrnn::KernelPath path;
  int threads;
  vrnn::Workspace workspace;

  void operator()() {
    const Config& c = *config;
    const int nd = c.bidirectional ? 2 : 1;
    std::vector<float> out(c.steps * c.batch * nd * c.hidden), hn(c.layers * nd * c.batch * c.hidden);
    vrnn::SequenceBatch call;
    call.input = x->data();
    call.steps = c.steps;
    call.batch = c.batch;
    call.output = out.data();
    call.hn = hn.data();
    call.kernel_path = path;
    call.max_threads = threads;
    vrnn::ComputeThreads::Instance().set_max_threads(threads);
    model->Forward(call, workspace);
  }
};

class BusyNeighbour {
 public:
  BusyNeighbour() : spinner_([this] {
    while (!stop_.load(std::memory_order_relaxed)) spins_.fetch_add(1, std::memory_order_relaxed);
  }) {}
  ~BusyNeighbour() {
    stop_.store(true);
    spinner_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<long> spins_{0};
  std::thread spinner_;
};

}  // namespace

int main(int argc, char** argv) {
  openblas_set_num_threads(1);
  int threads = 2;
  bool neighbour = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--neighbour") == 0) neighbour = true;
    else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
    else threads = std::max(1, std::atoi(argv[i]));
  }
  const vrnn::KernelPath paths[] = {vrnn::BestKernelPath(), vrnn::KernelPath::kAvx2};
  std::printf("hardware, measured now (best of 7 trials):\n");
  double peak[2];
  for (int p = 0; p < 2; ++p) {
    peak[p] = vrnn::probes::FmaPeakGflops(paths[p], threads);
    std::printf("  %-7s FMA peak on %d threads: %7.1f GFLOP/s (1 thread: %.1f)\n", vrnn::KernelPathName(paths[p]),
                threads, peak[p], vrnn::probes::FmaPeakGflops(paths[p], 1));
  }
  const double l2 = vrnn::probes::ReadBandwidthGBps(paths[0], 256 * 1024);
  std::printf("  L2 read rate of one core (256 KiB buffer): %.1f GB/s\n", l2);
  std::printf("forward calls, median of 0.1 s blocks taking turns%s; GFLOP/s counts 2*T*B*(D*H + H*H)\n",
              neighbour ? ", another thread spinning throughout" : "");
  std::printf("%-22s %-7s %12s %12s %8s %7s %8s %12s\n", "config", "path", "1 thread", "threads", "GFLOP/s", "% peak",
              "N vs 1", "L2 floor");
  std::mt19937 rng(1);
  std::unique_ptr<BusyNeighbour> busy;
  for (const Config& c : kConfigs) {
    if (!only.empty() && only != c.name) continue;
    const vrnn::RnnModel model = BuildModel(c, rng);
    const std::vector<float> x = Uniform(rng, c.steps * c.batch * c.input, 1.0f);
    if (neighbour) busy = std::make_unique<BusyNeighbour>();
    for (int p = 0; p < 2; ++p) {
      if (p == 1 && paths[1] == paths[0]) continue;
      Call one{&model, &c, &x, paths[p], 1, {}}, many{&model, &c, &x, paths[p], threads, {}};
      const std::vector<double> us = TakeTurns({std::ref(one), std::ref(many)}, 9);
      const double gflops = FlopsPerCall(c) / us[1] / 1e3;
      char floor[32] = "";
      // One core re-reads all of W_hh every step; below 64 KiB it stays in L1 and the step is a
      // latency chain instead.
      const double w_hh_bytes = static_cast<double>(c.hidden) * c.hidden * sizeof(float);
      if (c.batch == 1 && w_hh_bytes > 64 * 1024) {
        const int nd = c.bidirectional ? 2 : 1;
        std::snprintf(floor, sizeof floor, "%.1f us", w_hh_bytes * c.steps * c.layers * nd / (l2 * 1e3));
      } else if (c.batch == 1) {
        std::snprintf(floor, sizeof floor, "in L1");
      }
      std::printf("%-22s %-7s %9.1f us %9.1f us %8.1f %6.0f%% %7.2fx %12s\n", c.name, vrnn::KernelPathName(paths[p]),
                  us[0], us[1], gflops, 100.0 * gflops / peak[p], us[0] / us[1], floor);
    }
    busy.reset();
  }
  return 0;
}
