// Compiles a region of a file for an instruction set beyond the build's baseline, so one binary
// carries every SIMD path and picks one at run time (see kernel_path.h). A file opens the region
// after its standard headers (they stay baseline: their inline functions are shared with files
// compiled without the extension) and closes it at its end.
#pragma once

#define VRNN_PRAGMA(text) _Pragma(#text)

#if defined(__clang__)
#define VRNN_TARGET_BEGIN(isa) VRNN_PRAGMA(clang attribute push(__attribute__((target(isa))), apply_to = function))
#define VRNN_TARGET_END VRNN_PRAGMA(clang attribute pop)
#elif defined(__GNUC__)
#define VRNN_TARGET_BEGIN(isa) VRNN_PRAGMA(GCC push_options) VRNN_PRAGMA(GCC target(isa))
#define VRNN_TARGET_END VRNN_PRAGMA(GCC pop_options)
#endif
