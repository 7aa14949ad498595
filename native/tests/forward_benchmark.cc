// Where a forward call's time goes, without Node: for each of the bench's configs, the whole
// call on 1 and N threads beside its two parts measured alone on one thread, the input projection
// (one OpenBLAS sgemm over every step) and the recurrence (the step kernel, T times).
// `build-cmake/forward_benchmark [threads]` after `npm run build:cmake`.
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <vector>

#include "../kernel/rnn_model.h"
#include "../kernel/step_kernel.h"
#include "../kernel/compute_threads.h"

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

double MedianMicroseconds(const std::function<void()>& call) {
  call();
  const auto once_start = std::chrono::steady_clock::now();
  call();
  const double once = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - once_start).count();
  const int samples = static_cast<int>(std::clamp(300000.0 / std::max(once, 0.01), 5.0, 2000.0));
  std::vector<double> times(samples);
  for (double& t : times) {
    const auto start = std::chrono::steady_clock::now();
    call();
    t = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  }
  std::nth_element(times.begin(), times.begin() + samples / 2, times.end());
  return times[samples / 2];
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

double ForwardMicroseconds(const vrnn::RnnModel& model, const Config& c, const std::vector<float>& x, int threads) {
  const int nd = c.bidirectional ? 2 : 1;
  std::vector<float> out(c.steps * c.batch * nd * c.hidden), hn(c.layers * nd * c.batch * c.hidden);
  vrnn::SequenceBatch call;
  call.input = x.data();
  call.steps = c.steps;
  call.batch = c.batch;
  call.output = out.data();
  call.hn = hn.data();
  call.kernel_path = vrnn::BestKernelPath();
  call.max_threads = threads;
  vrnn::Workspace workspace;
  vrnn::ComputeThreads::Instance().set_max_threads(threads);
  return MedianMicroseconds([&] { model.Forward(call, workspace); });
}

// The first layer's projection as one sgemm over all T*B rows.
double ProjectionMicroseconds(const vrnn::RnnModel& model, const Config& c, const std::vector<float>& x) {
  const vrnn::DirectionParameters& p = model.Parameters(0, 0);
  std::vector<float> projected(c.steps * c.batch * c.hidden);
  const auto rows = static_cast<blasint>(c.steps * c.batch), h = static_cast<blasint>(c.hidden);
  const auto d = static_cast<blasint>(c.input);
  return MedianMicroseconds([&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, h, d, 1.0f, x.data(), d, p.w_ih.data(), d, 0.0f,
                projected.data(), h);
  });
}

// T steps of the first layer's recurrence over B rows, on one thread.
double RecurrenceMicroseconds(const vrnn::RnnModel& model, const Config& c) {
  const vrnn::DirectionParameters& p = model.Parameters(0, 0);
  std::vector<float> states((c.steps + 1) * c.batch * c.hidden, 0.1f), projected(c.steps * c.batch * c.hidden, 0.01f);
  std::vector<const float*> h_rows(c.batch), p_rows(c.batch);
  std::vector<float*> out_rows(c.batch);
  const vrnn::PackedStepWeights weights{p.w_hh_t.data(), p.b_hh.data(), c.hidden, {vrnn::ActivationKind::kTanh, 0, 0},
                                        INFINITY};
  const vrnn::StepKernel kernel = vrnn::StepKernelFor(vrnn::BestKernelPath());
  return MedianMicroseconds([&] {
    for (std::size_t t = 0; t < c.steps; ++t) {
      for (std::size_t b = 0; b < c.batch; ++b) {
        h_rows[b] = states.data() + (t * c.batch + b) * c.hidden;
        p_rows[b] = projected.data() + (t * c.batch + b) * c.hidden;
        out_rows[b] = states.data() + ((t + 1) * c.batch + b) * c.hidden;
      }
      kernel(weights, {h_rows.data(), p_rows.data(), out_rows.data(), c.batch}, 0, c.hidden);
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  openblas_set_num_threads(1);
  const int threads = argc > 1 ? std::max(1, std::atoi(argv[1])) : 2;
  std::printf("kernel path %s; medians; GFLOP/s counts 2*T*B*(D*H + H*H) per layer and direction\n",
              vrnn::KernelPathName(vrnn::BestKernelPath()));
  std::printf("%-22s %12s %12s %8s | layer 0 alone, 1 thread: %12s %12s\n", "config", "1 thread", "threads", "GFLOP/s",
              "projection", "recurrence");
  std::mt19937 rng(1);
  for (const Config& c : kConfigs) {
    const vrnn::RnnModel model = BuildModel(c, rng);
    const std::vector<float> x = Uniform(rng, c.steps * c.batch * c.input, 1.0f);
    const double one = ForwardMicroseconds(model, c, x, 1);
    const double many = ForwardMicroseconds(model, c, x, threads);
    std::printf("%-22s %10.1f us %10.1f us %8.1f | %39.1f us %9.1f us\n", c.name, one, many, FlopsPerCall(c) / many / 1e3,
                ProjectionMicroseconds(model, c, x), RecurrenceMicroseconds(model, c));
  }
  return 0;
}
