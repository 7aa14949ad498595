// The kernel's own tests, without Node: plain C++ over the kernel API. Built by CMake
// (`kernel_tests`), run by CI and under valgrind/LeakSanitizer. Prints the vectorized tanh's
// measured error, which the README quotes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "../kernel/rnn_model.h"
#include "../kernel/step_kernel.h"
#include "../kernel/compute_threads.h"
#include "../kernel/spin_barrier.h"
#include "check.h"

namespace {

using vrnn_test::Check;

int64_t UlpDistance(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  if (ia < 0) ia = INT32_MIN - ia;
  if (ib < 0) ib = INT32_MIN - ib;
  return std::llabs(static_cast<int64_t>(ia) - ib);
}

// With W_hh = 0 and zero bias the step is act(projected): the path's activation alone. The values
// go through rows of at most 64 (the last one partial), so the step's work grows with their count.
void ActivateThroughStep(vrnn::KernelPath path, vrnn::ActivationKind kind, const std::vector<float>& in,
                         std::vector<float>& out) {
  const std::size_t n = in.size();
  const std::size_t hidden = std::min<std::size_t>(n, 64);
  const std::size_t rows = (n + hidden - 1) / hidden;
  std::vector<float> w(vrnn::PackedFloats(hidden, hidden), 0.0f), b(vrnn::PaddedColumns(hidden), 0.0f);
  std::vector<float> h(hidden, 0.0f), padded(in), result(rows * hidden);
  padded.resize(rows * hidden, 0.0f);
  std::vector<const float*> h_rows(rows, h.data()), p_rows(rows);
  std::vector<float*> out_rows(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    p_rows[r] = padded.data() + r * hidden;
    out_rows[r] = result.data() + r * hidden;
  }
  vrnn::PackedStepWeights weights{w.data(), b.data(), hidden, {kind, 0, 0}, INFINITY};
  vrnn::StepKernelFor(path)(weights, {h_rows.data(), p_rows.data(), out_rows.data(), rows}, 0, hidden);
  out.assign(result.begin(), result.begin() + n);
}

void TestTanhError(vrnn::KernelPath path) {
  std::vector<float> x;
  for (float v = -12.0f; v <= 12.0f; v += 0.00037f) x.push_back(v);
  for (float v = 1e-8f; v < 1e-2f; v *= 1.01f) { x.push_back(v); x.push_back(-v); }
  std::vector<float> y;
  ActivateThroughStep(path, vrnn::ActivationKind::kTanh, x, y);
  int64_t max_ulp = 0;
  double max_abs = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float want = static_cast<float>(std::tanh(static_cast<double>(x[i])));
    max_ulp = std::max(max_ulp, UlpDistance(y[i], want));
    max_abs = std::max(max_abs, std::fabs(static_cast<double>(y[i]) - want));
  }
  std::printf("tanh on %-8s over %zu points in [-12, 12]: max error %lld ulp, %.3g absolute\n",
              vrnn::KernelPathName(path), x.size(), static_cast<long long>(max_ulp), max_abs);
  Check(max_ulp <= 8, "tanh within 8 ulp");
  std::vector<float> special = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f};
  ActivateThroughStep(path, vrnn::ActivationKind::kTanh, special, y);
  Check(std::isnan(y[0]) && y[1] == 1.0f && y[2] == -1.0f && y[3] == 0.0f, "tanh of NaN, +-Inf and 0");
}

vrnn::RnnModel RandomModel(std::mt19937& rng, int hidden, int layers, vrnn::Direction direction) {
  vrnn::RnnSpec spec;
  spec.input_size = 13;
  spec.hidden_size = hidden;
  spec.num_layers = layers;
  spec.direction = direction;
  vrnn::RnnModel model(spec);
  // PyTorch's initialisation scale: larger weights make the recurrence chaotic, amplifying
  // rounding differences step after step beyond any fixed tolerance.
  const float bound = 1.0f / std::sqrt(static_cast<float>(hidden));
  std::uniform_real_distribution<float> u(-bound, bound);
  for (int l = 0; l < layers; ++l) {
    for (int d = 0; d < spec.num_directions(); ++d) {
      std::vector<float> w_ih(hidden * spec.layer_input_size(l)), w_hh(hidden * hidden), b(hidden);
      for (float& v : w_ih) v = u(rng);
      for (float& v : w_hh) v = u(rng);
      for (float& v : b) v = u(rng);
      model.SetWeights(l, d, w_ih.data(), w_hh.data(), b.data(), b.data());
    }
  }
  return model;
}

struct CallShape {
  std::size_t steps;
  std::size_t batch;
  bool batch_first;
  std::vector<int32_t> lengths;  // empty: every sequence has all steps
};

std::vector<float> RunModel(const vrnn::RnnModel& model, const std::vector<float>& x, const CallShape& shape,
                            vrnn::KernelPath path, int threads) {
  const vrnn::RnnSpec& spec = model.spec();
  std::vector<float> out(shape.steps * shape.batch * spec.num_directions() * spec.hidden_size);
  std::vector<float> hn(spec.num_layers * spec.num_directions() * shape.batch * spec.hidden_size);
  vrnn::SequenceBatch call;
  call.input = x.data();
  call.steps = shape.steps;
  call.batch = shape.batch;
  call.batch_first = shape.batch_first;
  call.lengths = shape.lengths.empty() ? nullptr : shape.lengths.data();
  call.output = out.data();
  call.hn = hn.data();
  call.kernel_path = path;
  call.max_threads = threads;
  vrnn::Workspace workspace;
  model.Forward(call, workspace);
  out.insert(out.end(), hn.begin(), hn.end());
  return out;
}

std::vector<float> RandomInput(std::mt19937& rng, const CallShape& shape) {
  std::vector<float> x(shape.steps * shape.batch * 13);
  std::uniform_real_distribution<float> u(-1, 1);
  for (float& v : x) v = u(rng);
  return x;
}

void TestPathsAndThreads() {
  std::mt19937 rng(7);
  for (int hidden : {5, 64, 200, 300}) {
    const vrnn::RnnModel model = RandomModel(rng, hidden, 2, vrnn::Direction::kBidirectional);
    const CallShape shape{9, 11, false, {}};
    const std::vector<float> x = RandomInput(rng, shape);
    const std::vector<float> reference = RunModel(model, x, shape, vrnn::KernelPath::kPortable, 1);
    for (vrnn::KernelPath path : vrnn::kAllKernelPaths) {
      if (path == vrnn::KernelPath::kPortable || !vrnn::KernelPathSupported(path)) continue;
      const std::vector<float> one = RunModel(model, x, shape, path, 1);
      bool close = true;
      for (std::size_t i = 0; i < one.size(); ++i) {
        const bool ok = std::fabs(one[i] - reference[i]) <= 1e-5f + 1e-4f * std::fabs(reference[i]);
        if (!ok && close) std::printf("  hidden %d index %zu: %.9g vs %.9g\n", hidden, i, one[i], reference[i]);
        close &= ok;
      }
      Check(close, "SIMD path within tolerance of the portable path");
      for (int threads : {2, 3}) {
        Check(RunModel(model, x, shape, path, threads) == one, "same bits for every thread count");
      }
    }
  }
}

// Every way a direction's recurrence is shared out, and the projection run ahead of it, gives
// the same bits as one thread.
void TestSchedulesAgreeAcrossThreads() {
  std::mt19937 rng(11);
  struct Case {
    const char* what;
    int hidden;
    int layers;
    vrnn::Direction direction;
    CallShape shape;
  };
  std::vector<int32_t> mixed(40);
  for (std::size_t b = 0; b < mixed.size(); ++b) mixed[b] = static_cast<int32_t>(1 + (b * 7) % 30);
  const Case cases[] = {
      {"sequences split, lengths", 64, 1, vrnn::Direction::kForward, {30, 40, false, mixed}},
      {"sequences split, bidirectional, batch-first", 48, 2, vrnn::Direction::kBidirectional, {30, 40, true, mixed}},
      {"sequences split, reverse, full length", 96, 1, vrnn::Direction::kReverse, {17, 64, false, {}}},
      {"columns split", 300, 1, vrnn::Direction::kForward, {12, 2, false, {}}},
      {"columns split, batch-first reverse", 320, 2, vrnn::Direction::kReverse, {10, 3, true, {}}},
      {"projection ahead of one thread", 32, 2, vrnn::Direction::kForward, {700, 1, false, {}}},
      {"projection ahead, reverse", 40, 1, vrnn::Direction::kReverse, {600, 2, false, {}}},
  };
  for (const Case& c : cases) {
    const vrnn::RnnModel model = RandomModel(rng, c.hidden, c.layers, c.direction);
    const std::vector<float> x = RandomInput(rng, c.shape);
    const vrnn::KernelPath path = vrnn::BestKernelPath();
    const std::vector<float> one = RunModel(model, x, c.shape, path, 1);
    for (int threads : {2, 3, 4}) {
      vrnn::ComputeThreads::Instance().set_max_threads(threads);
      const bool same = RunModel(model, x, c.shape, path, threads) == one;
      if (!same) std::printf("  %s: %d threads differ from one\n", c.what, threads);
      Check(same, "same bits for every schedule");
    }
  }
}

void TestBarrierAndBudget() {
  vrnn::ComputeThreads::Instance().set_max_threads(3);
  std::vector<int> counts(3, 0);
  vrnn::ComputeLease lease = vrnn::ComputeThreads::Instance().Lease(3);
  const int threads = lease.threads();
  vrnn::SpinBarrier used(threads);
  lease.Run([&](int index, int) {
    for (int round = 0; round < 1000; ++round) {
      ++counts[index];
      used.Wait();
    }
  });
  bool all = true;
  for (int i = 0; i < threads; ++i) all &= counts[i] == 1000;
  Check(threads >= 1 && threads <= 3 && all, "every leased thread runs every round");
}

}  // namespace

int main() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows under a slow emulator too
  for (vrnn::KernelPath path : vrnn::kAllKernelPaths) {
    if (vrnn::KernelPathSupported(path)) TestTanhError(path);
  }
  std::printf("paths and thread counts\n");
  TestPathsAndThreads();
  std::printf("schedules\n");
  TestSchedulesAgreeAcrossThreads();
  std::printf("barrier and budget\n");
  TestBarrierAndBudget();
  return vrnn_test::Report();
}
