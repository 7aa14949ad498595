// The kernel test programs' one assertion: counts what passed, prints what failed, and main()
// returns Report() (1 when anything failed).
#pragma once

#include <cstdio>

namespace vrnn_test {

inline int passed = 0;
inline int failed = 0;

inline void Check(bool ok, const char* what) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    std::printf("FAIL: %s\n", what);
  }
}

inline int Report() {
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace vrnn_test
