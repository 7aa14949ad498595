#include "gather.h"

#include <cstring>

namespace vrnn {

std::size_t FirstIndexOutOfRange(const std::int32_t* indices, std::size_t count, std::size_t rows) {
  for (std::size_t i = 0; i < count; ++i) {
    if (indices[i] < 0 || static_cast<std::size_t>(indices[i]) >= rows) return i;
  }
  return count;
}

void GatherRows(const GatherRowsArgs& a) {
  if (a.cols == 0) return;
  for (std::size_t i = 0; i < a.count; ++i) {
    std::memcpy(a.out + i * a.cols, a.table + static_cast<std::size_t>(a.indices[i]) * a.cols, a.cols * sizeof(float));
  }
}

}  // namespace vrnn
