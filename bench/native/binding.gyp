{
  "targets": [
    {
      "target_name": "bench_probes",
      "sources": [
        "probes_addon.cc",
        "../../native/binding/js_args.cc",
        "../../native/kernel/kernel_path.cc",
        "../../native/probes/hardware_probes.cc",
        "../../native/probes/probe_avx512.cc",
        "../../native/probes/probe_avx2.cc",
        "../../native/probes/probe_neon.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(pkg-config --cflags-only-I openblas | sed 's/-I//g')",
        "../../native/binding"
      ],
      "libraries": [
        "<!@(pkg-config --libs openblas)"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
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
      ]
    }
  ]
}
