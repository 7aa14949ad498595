// tanh over any SIMD mapping, as a rational function (Eigen's float coefficients); its error on
// every path is measured in native/tests/kernel_tests.cc and quoted in the README.
#pragma once

namespace vrnn {
namespace simd {

template <typename S>
inline typename S::Vec Tanh(typename S::Vec a) {
  using Vec = typename S::Vec;
  const float clamp = 7.90531110763549805f;
  const Vec x = S::Min(S::Set(clamp), S::Max(S::Set(-clamp), a));
  const Vec x2 = S::Mul(x, x);
  Vec p = S::Set(-2.76076847742355e-16f);
  p = S::Fma(p, x2, S::Set(2.00018790482477e-13f));
  p = S::Fma(p, x2, S::Set(-8.60467152213735e-11f));
  p = S::Fma(p, x2, S::Set(5.12229709037114e-08f));
  p = S::Fma(p, x2, S::Set(1.48572235717979e-05f));
  p = S::Fma(p, x2, S::Set(6.37261928875436e-04f));
  p = S::Fma(p, x2, S::Set(4.89352455891786e-03f));
  p = S::Mul(p, x);
  Vec q = S::Set(1.19825839466702e-06f);
  q = S::Fma(q, x2, S::Set(1.18534705686654e-04f));
  q = S::Fma(q, x2, S::Set(2.26843463243900e-03f));
  q = S::Fma(q, x2, S::Set(4.89352518554385e-03f));
  const Vec result = S::Div(p, q);
  const Vec abs_a = S::Abs(a);
  // Near zero tanh(x) = x to float precision; keeping x there preserves the relative accuracy.
  const auto tiny = S::Less(abs_a, S::Set(0.0004f));
  // Past 9.5 float tanh is exactly +-1; the rational function stops one ulp short.
  const auto saturated = S::Greater(abs_a, S::Set(9.5f));
  return S::Select(saturated, S::WithSignOf(S::Set(1.0f), a), S::Select(tiny, a, result));
}

}  // namespace simd
}  // namespace vrnn
