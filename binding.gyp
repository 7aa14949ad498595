{
  "target_defaults": {
    "include_dirs": [
      "<!(node -p \"require('node-addon-api').include_dir\")",
      "<!@(pkg-config --cflags-only-I openblas | sed 's/-I//g')"
    ],
    "libraries": [
      "<!@(node scripts/openblas-flags.js)"
    ],
    "defines": [
      "NAPI_VERSION=8",
      "NAPI_CPP_EXCEPTIONS",
      "NODE_ADDON_API_DISABLE_DEPRECATED",
      "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
      "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
    ],
    "cflags!": [
      "-fno-exceptions"
    ],
    "cflags_cc!": [
      "-fno-exceptions",
      "-fno-rtti"
    ],
    "cflags": [
      "-O3"
    ],
    "cflags_cc": [
      "-std=c++17",
      "-fexceptions",
      "-Wall",
      "-Wextra"
    ],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "OTHER_CPLUSPLUSFLAGS": [
        "-O3"
      ]
    },
    "msvs_settings": {
      "VCCLCompilerTool": {
        "ExceptionHandling": 1
      }
    }
  },
  "targets": [
    {
      "target_name": "vanilla_rnn",
      "sources": [
        "native/kernel/activation.cc",
        "native/kernel/dense.cc",
        "native/kernel/projection.cc",
        "native/kernel/projection_schedule.cc",
        "native/kernel/step_kernel.cc",
        "native/kernel/step_portable.cc",
        "native/kernel/step_avx2.cc",
        "native/kernel/step_avx512.cc",
        "native/kernel/step_neon.cc",
        "native/kernel/kernel_path.cc",
        "native/kernel/compute_threads.cc",
        "native/kernel/forward_pass.cc",
        "native/kernel/recurrence.cc",
        "native/kernel/rnn_model.cc",
        "native/kernel/ops/arg_reduce.cc",
        "native/kernel/ops/binary.cc",
        "native/kernel/ops/gather.cc",
        "native/kernel/ops/gemm.cc",
        "native/kernel/ops/normalization.cc",
        "native/kernel/ops/reduce.cc",
        "native/kernel/ops/softmax.cc",
        "native/kernel/ops/unary.cc",
        "native/kernel/ops/where.cc",
        "native/binding/dense_binding.cc",
        "native/binding/enum_names.cc",
        "native/binding/js_args.cc",
        "native/binding/native_rnn.cc",
        "native/binding/forward_async.cc",
        "native/binding/runtime_binding.cc",
        "native/binding/ops_binding.cc",
        "native/binding/ops_strided_binding.cc",
        "native/binding/strided_args.cc",
        "native/binding/addon.cc"
      ]
    }
  ]
}
