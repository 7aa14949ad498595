// The tensor-op kernels' own tests, without Node: each kernel against a naive loop in double over
// random sizes, broadcast strides and parameters (the fixtures' tolerance), plus exact checks for
// what is exact. Built by CMake (`ops_tests`), run by `npm run test:asan` with LeakSanitizer.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "../kernel/ops/arg_reduce.h"
#include "../kernel/ops/binary.h"
#include "../kernel/ops/exp_below_zero.h"
#include "../kernel/ops/gather.h"
#include "../kernel/ops/gemm.h"
#include "../kernel/ops/normalization.h"
#include "../kernel/ops/reduce.h"
#include "../kernel/ops/softmax.h"
#include "../kernel/ops/unary.h"
#include "../kernel/ops/where.h"
#include "check.h"

namespace {

using vrnn_test::Check;

bool Close(double got, double want) {
  if (std::isnan(got) || std::isnan(want)) return std::isnan(got) && std::isnan(want);
  if (got == want) return true;
  return std::fabs(got - want) <= 1e-5 + 1e-4 * std::fabs(want);
}

template <typename A, typename B>
bool AllClose(const std::vector<A>& got, const std::vector<B>& want) {
  if (got.size() != want.size()) return false;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!Close(got[i], static_cast<float>(want[i]))) {
      std::printf("  index %zu: got %.9g, want %.9g\n", i, static_cast<double>(got[i]), static_cast<double>(want[i]));
      return false;
    }
  }
  return true;
}

std::mt19937 rng(20240611);

int Between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

std::vector<float> Random(std::size_t n, float scale = 1.0f) {
  std::uniform_real_distribution<float> u(-scale, scale);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

// An output shape and, for one operand, a shape that broadcasts to it: its strides over the output.
struct Broadcast {
  std::vector<std::size_t> out;
  std::vector<std::size_t> own;  // the operand's shape, aligned to out's rank (1 where broadcast)
  std::vector<std::ptrdiff_t> strides;
};

Broadcast BroadcastOperand(const std::vector<std::size_t>& out) {
  Broadcast b{out, {}, {}};
  for (std::size_t dim : out) b.own.push_back(Between(0, 2) == 0 ? 1 : dim);
  b.strides.assign(out.size(), 0);
  std::ptrdiff_t stride = 1;
  for (int axis = static_cast<int>(out.size()) - 1; axis >= 0; --axis) {
    b.strides[axis] = b.own[axis] == 1 ? 0 : stride;
    stride *= static_cast<std::ptrdiff_t>(b.own[axis]);
  }
  return b;
}

std::size_t Count(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

// The element of a broadcast operand at output position `flat`, by index arithmetic.
std::size_t OperandOffset(const Broadcast& b, std::size_t flat) {
  std::size_t offset = 0;
  for (int axis = static_cast<int>(b.out.size()) - 1; axis >= 0; --axis) {
    const std::size_t index = flat % b.out[axis];
    flat /= b.out[axis];
    offset += index * static_cast<std::size_t>(b.strides[axis]);
  }
  return offset;
}

template <std::size_t N>
vrnn::StridedLoop<N> LoopOf(const std::vector<std::size_t>& out, const std::vector<const Broadcast*>& operands) {
  vrnn::StridedLoop<N> loop;
  loop.rank = static_cast<int>(out.size());
  for (int axis = 0; axis < loop.rank; ++axis) {
    loop.dims[axis] = out[axis];
    for (std::size_t k = 0; k < N; ++k) loop.strides[k][axis] = operands[k]->strides[axis];
  }
  return loop;
}

std::vector<std::size_t> RandomShape(int max_rank) {
  std::vector<std::size_t> shape(Between(0, max_rank));
  for (std::size_t& d : shape) d = Between(1, 4);
  return shape;
}

void TestCollapse() {
  vrnn::StridedLoop<2> loop;
  loop.rank = 4;
  const std::size_t dims[] = {2, 1, 3, 4};
  const std::ptrdiff_t a[] = {12, 0, 4, 1};
  const std::ptrdiff_t b[] = {0, 0, 0, 1};
  for (int i = 0; i < 4; ++i) {
    loop.dims[i] = dims[i];
    loop.strides[0][i] = a[i];
    loop.strides[1][i] = b[i];
  }
  const vrnn::StridedLoop<2> c = vrnn::Collapsed(loop);
  Check(c.rank == 2 && c.dims[0] == 6 && c.dims[1] == 4 && c.strides[0][0] == 4 && c.strides[1][0] == 0,
        "collapse drops length-1 axes and merges those every operand walks alike");
}

void TestBinaryAndCompare() {
  for (int round = 0; round < 200; ++round) {
    const std::vector<std::size_t> out = RandomShape(6);
    const Broadcast a = BroadcastOperand(out);
    const Broadcast b = BroadcastOperand(out);
    const std::vector<float> x = Random(Count(a.own), 3.0f);
    std::vector<float> y = Random(Count(b.own), 3.0f);
    if (!y.empty() && round % 5 == 0) y[0] = NAN;
    const auto kind = static_cast<vrnn::BinaryKind>(round % 8);
    std::vector<float> got(Count(out));
    vrnn::Binary({kind, x.data(), y.data(), got.data(), LoopOf<2>(out, {&a, &b})});
    std::vector<double> want(got.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      const double p = x[OperandOffset(a, i)];
      const double q = y[OperandOffset(b, i)];
      const double nan = std::numeric_limits<double>::quiet_NaN();
      switch (kind) {
        case vrnn::BinaryKind::kAdd: want[i] = p + q; break;
        case vrnn::BinaryKind::kSub: want[i] = p - q; break;
        case vrnn::BinaryKind::kMul: want[i] = p * q; break;
        case vrnn::BinaryKind::kDiv: want[i] = p / q; break;
        case vrnn::BinaryKind::kPow: want[i] = std::pow(p, q); break;
        case vrnn::BinaryKind::kMax: want[i] = std::isnan(p) || std::isnan(q) ? nan : std::max(p, q); break;
        case vrnn::BinaryKind::kMin: want[i] = std::isnan(p) || std::isnan(q) ? nan : std::min(p, q); break;
        case vrnn::BinaryKind::kPRelu: want[i] = p < 0 ? q * p : p; break;
      }
    }
    Check(AllClose(got, want), "binary op over random broadcast strides");

    std::vector<std::uint8_t> mask(Count(out));
    std::vector<std::uint8_t> want_mask(mask.size());
    vrnn::Compare({vrnn::CompareKind::kLess, x.data(), y.data(), mask.data(), vrnn::ElementType::kUint8,
                   LoopOf<2>(out, {&a, &b})});
    for (std::size_t i = 0; i < mask.size(); ++i) want_mask[i] = x[OperandOffset(a, i)] < y[OperandOffset(b, i)];
    Check(mask == want_mask, "comparison into a Uint8 mask, exactly");
  }
}

void TestWhere() {
  for (int round = 0; round < 100; ++round) {
    const std::vector<std::size_t> out = RandomShape(5);
    const Broadcast c = BroadcastOperand(out);
    const Broadcast x = BroadcastOperand(out);
    const Broadcast y = BroadcastOperand(out);
    std::vector<double> condition(Count(c.own));
    for (double& v : condition) v = Between(0, 1);
    const std::vector<float> xs = Random(Count(x.own));
    const std::vector<float> ys = Random(Count(y.own));
    std::vector<float> got(Count(out));
    vrnn::Where({condition.data(), vrnn::ElementType::kFloat64, xs.data(), ys.data(), got.data(),
                 LoopOf<3>(out, {&c, &x, &y})});
    bool exact = true;
    for (std::size_t i = 0; i < got.size(); ++i) {
      const float want = condition[OperandOffset(c, i)] != 0 ? xs[OperandOffset(x, i)] : ys[OperandOffset(y, i)];
      exact &= got[i] == want;
    }
    Check(exact, "where picks exactly over random broadcast strides");
  }
}

void TestGemm() {
  for (int round = 0; round < 120; ++round) {
    const std::size_t m = Between(0, 7), n = Between(1, 7), k = Between(0, 7);
    const bool ta = round % 2 == 1, tb = round % 4 >= 2;
    const std::vector<float> a = Random(m * k), b = Random(k * n), c = Random(m * n);
    // The C patterns ONNX Gemm allows: none, scalar, row [n], column [m, 1], full [m, n].
    const std::ptrdiff_t patterns[5][2] = {{0, 0}, {0, 0}, {0, 1}, {1, 0}, {static_cast<std::ptrdiff_t>(n), 1}};
    const int pattern = round % 5;
    vrnn::GemmArgs args;
    args.a = a.data();
    args.trans_a = ta;
    args.b = b.data();
    args.trans_b = tb;
    args.m = m;
    args.n = n;
    args.k = k;
    args.alpha = 0.5f;
    args.beta = round % 3 == 0 ? 0.0f : 2.0f;
    args.c = pattern == 0 ? nullptr : c.data();
    args.c_row_stride = patterns[pattern][0];
    args.c_col_stride = patterns[pattern][1];
    std::vector<float> got(m * n, NAN);  // garbage the kernel must overwrite
    args.out = got.data();
    vrnn::Gemm(args);
    std::vector<double> want(m * n);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        double sum = 0;
        for (std::size_t p = 0; p < k; ++p) sum += (ta ? a[p * m + i] : a[i * k + p]) * double(tb ? b[j * k + p] : b[p * n + j]);
        const double bias = args.c != nullptr && args.beta != 0 ? args.beta * c[i * args.c_row_stride + j * args.c_col_stride] : 0;
        want[i * n + j] = args.alpha * sum + bias;
      }
    }
    Check(AllClose(got, want), "gemm against a naive triple loop");
  }
}

void TestBatchedMatMul() {
  for (int round = 0; round < 80; ++round) {
    const std::size_t m = Between(1, 5), n = Between(1, 5), k = Between(round % 9 == 0 ? 0 : 1, 5);
    const std::vector<std::size_t> batch = RandomShape(3);
    Broadcast a = BroadcastOperand(batch);
    Broadcast b = round % 3 == 0 ? Broadcast{batch, std::vector<std::size_t>(batch.size(), 1), {}} : BroadcastOperand(batch);
    if (b.strides.empty()) b.strides.assign(batch.size(), 0);  // one shared b: the single-sgemm case
    for (auto& s : a.strides) s *= static_cast<std::ptrdiff_t>(m * k);
    for (auto& s : b.strides) s *= static_cast<std::ptrdiff_t>(k * n);
    const std::vector<float> xa = Random(Count(a.own) * m * k), xb = Random(Count(b.own) * k * n);
    std::vector<float> got(Count(batch) * m * n, NAN);
    vrnn::MatMulArgs args;
    args.a = xa.data();
    args.b = xb.data();
    args.m = m;
    args.n = n;
    args.k = k;
    args.batch = LoopOf<2>(batch, {&a, &b});
    args.out = got.data();
    vrnn::BatchedMatMul(args);
    std::vector<double> want(got.size());
    for (std::size_t t = 0; t < Count(batch); ++t) {
      for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          double sum = 0;
          for (std::size_t p = 0; p < k; ++p) {
            sum += xa[OperandOffset(a, t) + i * k + p] * double(xb[OperandOffset(b, t) + p * n + j]);
          }
          want[(t * m + i) * n + j] = sum;
        }
      }
    }
    Check(AllClose(got, want), "batched matmul against a naive loop, batches broadcast");
  }
}

vrnn::AxisView RandomView() {
  return {static_cast<std::size_t>(Between(1, 4)), static_cast<std::size_t>(Between(0, 30)),
          static_cast<std::size_t>(Between(0, 3) == 0 ? 300 : Between(1, 3))};
}

std::size_t At(const vrnn::AxisView& v, std::size_t o, std::size_t s, std::size_t i) { return (o * v.size + s) * v.inner + i; }

void TestReduce() {
  for (int round = 0; round < 80; ++round) {
    const vrnn::AxisView v = RandomView();
    std::vector<float> x = Random(v.outer * v.size * v.inner, 4.0f);
    if (!x.empty() && round % 7 == 0) x[x.size() / 2] = NAN;
    std::vector<std::uint8_t> mask(v.outer * v.size);
    for (auto& keep : mask) keep = Between(0, 2) != 0;
    const auto kind = static_cast<vrnn::ReduceKind>(round % 4);
    std::vector<float> got(v.outer * v.inner), masked(v.outer * v.inner);
    vrnn::Reduce({kind, x.data(), v, got.data()});
    vrnn::MaskedReduce({kind, x.data(), mask.data(), v, -7.0f, masked.data()});
    std::vector<double> want(got.size()), want_masked(got.size());
    for (std::size_t o = 0; o < v.outer; ++o) {
      for (std::size_t i = 0; i < v.inner; ++i) {
        for (int use_mask = 0; use_mask < 2; ++use_mask) {
          double sum = 0, max = -INFINITY, min = INFINITY;
          std::size_t kept = 0;
          bool nan = false;
          for (std::size_t s = 0; s < v.size; ++s) {
            if (use_mask && !mask[o * v.size + s]) continue;
            const double value = x[At(v, o, s, i)];
            sum += value;
            max = std::max(max, value);
            min = std::min(min, value);
            nan |= std::isnan(value);
            ++kept;
          }
          double result = 0;
          switch (kind) {
            case vrnn::ReduceKind::kSum: result = sum; break;
            case vrnn::ReduceKind::kMean: result = sum / static_cast<double>(kept); break;
            case vrnn::ReduceKind::kMax: result = nan ? NAN : max; break;
            case vrnn::ReduceKind::kMin: result = nan ? NAN : min; break;
          }
          if (use_mask && kept == 0 && kind != vrnn::ReduceKind::kSum) result = -7.0;
          (use_mask ? want_masked : want)[o * v.inner + i] = result;
        }
      }
    }
    Check(AllClose(got, want), "reduce against a naive loop (inner across blocks too)");
    Check(AllClose(masked, want_masked), "masked reduce against a naive loop, fully masked rows give the empty value");
  }
}

void TestArgReduce() {
  for (int round = 0; round < 60; ++round) {
    vrnn::AxisView v = RandomView();
    v.size = std::max<std::size_t>(v.size, 1);
    std::vector<float> x(v.outer * v.size * v.inner);
    for (float& value : x) value = static_cast<float>(Between(-2, 2));  // ties are common
    if (round % 4 == 0) x[x.size() / 3] = NAN;
    const bool max = round % 2 == 0, last = round % 3 == 0;
    std::vector<std::int32_t> got(v.outer * v.inner);
    vrnn::ArgReduce({max, last, x.data(), v, got.data(), vrnn::ElementType::kInt32});
    std::vector<std::int32_t> want(got.size());
    for (std::size_t o = 0; o < v.outer; ++o) {
      for (std::size_t i = 0; i < v.inner; ++i) {
        std::size_t best = 0;
        for (std::size_t s = 1; s < v.size; ++s) {
          const float value = x[At(v, o, s, i)], held = x[At(v, o, best, i)];
          bool take;
          if (std::isnan(held)) {
            take = last && std::isnan(value);
          } else if (std::isnan(value)) {
            take = true;
          } else {
            take = max ? (last ? value >= held : value > held) : (last ? value <= held : value < held);
          }
          if (take) best = s;
        }
        want[o * v.inner + i] = static_cast<std::int32_t>(best);
      }
    }
    Check(got == want, "argmax / argmin with ties and NaN, exactly");
  }
}

// Units in the last place between two positive floats (their bit patterns are ordered as they are).
std::int64_t UlpDistance(float a, float b) {
  std::int32_t ia, ib;
  std::memcpy(&ia, &a, sizeof ia);
  std::memcpy(&ib, &b, sizeof ib);
  return std::llabs(static_cast<std::int64_t>(ia) - ib);
}

void TestExpBelowZero() {
  std::int64_t worst = 0;
  bool special_ok = true;
  for (float x = 0.0f; x > -90.0f; x = std::nextafter(x, -100.0f) - 1e-4f) {
    const float want = std::exp(x);
    const float got = vrnn::ExpBelowZero(x);
    if (want >= std::numeric_limits<float>::min()) worst = std::max(worst, UlpDistance(got, want));
    else special_ok = special_ok && got == 0.0f;
  }
  Check(worst <= 2, "ExpBelowZero within 2 ulp of std::exp where exp(x) is a normal float");
  Check(special_ok, "ExpBelowZero is 0 where exp(x) is below float's normal range");
  const float inf = std::numeric_limits<float>::infinity();
  Check(vrnn::ExpBelowZero(-inf) == 0.0f && vrnn::ExpBelowZero(0.0f) == 1.0f, "ExpBelowZero(-inf) = 0, ExpBelowZero(0) = 1");
  Check(std::isnan(vrnn::ExpBelowZero(std::nanf(""))), "ExpBelowZero keeps NaN");
  // Past its domain (softmax never gives x > 0) it stays defined: finite, no overflowing conversion.
  Check(std::isfinite(vrnn::ExpBelowZero(inf)) && std::isfinite(vrnn::ExpBelowZero(1e30f)), "ExpBelowZero is finite for x > 0");
  std::printf("  ExpBelowZero: at most %lld ulp from std::exp\n", static_cast<long long>(worst));
}

void TestSoftmax() {
  for (int round = 0; round < 60; ++round) {
    const vrnn::AxisView v = RandomView();
    const std::vector<float> x = Random(v.outer * v.size * v.inner, round % 2 == 0 ? 3.0f : 60.0f);
    const bool log = round % 3 == 0;
    std::vector<float> got(x.size());
    vrnn::Softmax({x.data(), v, log, got.data()});
    std::vector<double> want(x.size());
    for (std::size_t o = 0; o < v.outer; ++o) {
      for (std::size_t i = 0; i < v.inner; ++i) {
        double max = -INFINITY, sum = 0;
        for (std::size_t s = 0; s < v.size; ++s) max = std::max<double>(max, x[At(v, o, s, i)]);
        for (std::size_t s = 0; s < v.size; ++s) sum += std::exp(x[At(v, o, s, i)] - max);
        for (std::size_t s = 0; s < v.size; ++s) {
          const double shifted = x[At(v, o, s, i)] - max;
          want[At(v, o, s, i)] = log ? shifted - std::log(sum) : std::exp(shifted) / sum;
        }
      }
    }
    Check(AllClose(got, want), "softmax / log-softmax against a naive loop");
  }
}

void TestNormalization() {
  for (int round = 0; round < 60; ++round) {
    const std::size_t rows = Between(0, 5), cols = Between(1, 80);
    std::vector<float> x = Random(rows * cols, 2.0f);
    for (float& value : x) value += round % 2 == 0 ? 300.0f : 0.0f;
    const std::vector<float> scale = Random(cols), bias = Random(cols);
    std::vector<float> got(x.size());
    vrnn::LayerNorm({x.data(), rows, cols, scale.data(), bias.data(), 1e-3f, got.data()});
    std::vector<double> want(x.size());
    for (std::size_t r = 0; r < rows; ++r) {
      double mean = 0, var = 0;
      for (std::size_t c = 0; c < cols; ++c) mean += x[r * cols + c];
      mean /= cols;
      for (std::size_t c = 0; c < cols; ++c) var += (x[r * cols + c] - mean) * (x[r * cols + c] - mean);
      var /= cols;
      for (std::size_t c = 0; c < cols; ++c) {
        want[r * cols + c] = (x[r * cols + c] - mean) / std::sqrt(var + double(1e-3f)) * scale[c] + bias[c];
      }
    }
    Check(AllClose(got, want), "layer norm against a naive loop, offset means too");

    const vrnn::AxisView v = RandomView();
    const std::vector<float> y = Random(v.outer * v.size * v.inner, 3.0f);
    const std::vector<float> mean = Random(v.size), s = Random(v.size), b = Random(v.size);
    std::vector<float> variance = Random(v.size);
    for (float& value : variance) value = std::fabs(value);
    std::vector<float> normed(y.size());
    vrnn::BatchNorm({y.data(), v, s.data(), b.data(), mean.data(), variance.data(), 1e-5f, normed.data()});
    std::vector<double> want_bn(y.size());
    for (std::size_t o = 0; o < v.outer; ++o) {
      for (std::size_t c = 0; c < v.size; ++c) {
        for (std::size_t i = 0; i < v.inner; ++i) {
          want_bn[At(v, o, c, i)] = (y[At(v, o, c, i)] - mean[c]) / std::sqrt(variance[c] + double(1e-5f)) * s[c] + b[c];
        }
      }
    }
    Check(AllClose(normed, want_bn), "batch norm against a naive loop");
  }
}

void TestGather() {
  const std::vector<float> table = Random(5 * 3);
  const std::vector<std::int32_t> indices = {4, 0, 4, 2};
  std::vector<float> got(indices.size() * 3);
  Check(vrnn::FirstIndexOutOfRange(indices.data(), indices.size(), 5) == indices.size(), "indices in range");
  vrnn::GatherRows({table.data(), 5, 3, indices.data(), indices.size(), got.data()});
  bool exact = true;
  for (std::size_t i = 0; i < indices.size(); ++i) {
    for (std::size_t c = 0; c < 3; ++c) exact &= got[i * 3 + c] == table[indices[i] * 3 + c];
  }
  Check(exact, "gather copies rows exactly");
  const std::vector<std::int32_t> bad = {0, 5, -1};
  Check(vrnn::FirstIndexOutOfRange(bad.data(), bad.size(), 5) == 1, "the first index out of range is found");
}

void TestUnary() {
  struct Case {
    vrnn::UnaryKind kind;
    double (*want)(double);
  };
  const Case cases[] = {
      {vrnn::UnaryKind::kExp, [](double x) { return std::exp(x); }},
      {vrnn::UnaryKind::kLog, [](double x) { return std::log(x); }},
      {vrnn::UnaryKind::kNeg, [](double x) { return -x; }},
      {vrnn::UnaryKind::kAbs, [](double x) { return std::fabs(x); }},
      {vrnn::UnaryKind::kSqrt, [](double x) { return std::sqrt(x); }},
      {vrnn::UnaryKind::kReciprocal, [](double x) { return 1 / x; }},
      {vrnn::UnaryKind::kErf, [](double x) { return std::erf(x); }},
      {vrnn::UnaryKind::kGelu, [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }},
      {vrnn::UnaryKind::kGeluTanh,
       [](double x) { return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x))); }},
      {vrnn::UnaryKind::kSilu, [](double x) { return x / (1 + std::exp(-x)); }},
      {vrnn::UnaryKind::kHardSwish, [](double x) { return x * std::min(1.0, std::max(0.0, x / 6 + 0.5)); }},
      {vrnn::UnaryKind::kMish, [](double x) { return x * std::tanh(std::log1p(std::exp(x))); }},
      {vrnn::UnaryKind::kIdentity, [](double x) { return x; }},
  };
  const std::vector<float> x = Random(2000, 6.0f);
  for (const Case& c : cases) {
    std::vector<float> got(x.size());
    vrnn::UnaryArgs args;
    args.kind = c.kind;
    args.x = x.data();
    args.out = got.data();
    args.count = x.size();
    vrnn::Unary(args);
    std::vector<double> want(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) want[i] = c.want(x[i]);
    Check(AllClose(got, want), "unary op against its formula in double");
    std::vector<float> special = {NAN};
    args.x = special.data();
    args.out = special.data();
    args.count = 1;
    vrnn::Unary(args);
    Check(std::isnan(special[0]), "unary op keeps NaN, in place");
  }
  std::vector<float> y = {-3.0f, 0.5f, 9.0f, NAN};
  vrnn::UnaryArgs clip;
  clip.kind = vrnn::UnaryKind::kClip;
  clip.clip_min = -1.0f;
  clip.clip_max = 2.0f;
  clip.x = y.data();
  clip.out = y.data();
  clip.count = y.size();
  vrnn::Unary(clip);
  Check(y[0] == -1.0f && y[1] == 0.5f && y[2] == 2.0f && std::isnan(y[3]), "clip clamps and keeps NaN");
  vrnn::UnaryArgs relu;
  relu.kind = vrnn::UnaryKind::kActivation;
  relu.activation.kind = vrnn::ActivationKind::kRelu;
  std::vector<float> z = {-1.0f, NAN, 2.0f}, out(3);
  relu.x = z.data();
  relu.out = out.data();
  relu.count = z.size();
  vrnn::Unary(relu);
  Check(out[0] == 0.0f && std::isnan(out[1]) && out[2] == 2.0f && z[0] == -1.0f, "an activation through the RNN's row code");
}

}  // namespace

int main() {
  TestCollapse();
  TestBinaryAndCompare();
  TestWhere();
  TestGemm();
  TestBatchedMatMul();
  TestReduce();
  TestArgReduce();
  TestExpBelowZero();
  TestSoftmax();
  TestNormalization();
  TestGather();
  TestUnary();
  return vrnn_test::Report();
}
