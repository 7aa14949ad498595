#!/usr/bin/env bash
# The kernel's C++ tests on AArch64: cross-compiled with Debian's aarch64 toolchain against
# Debian's arm64 OpenBLAS, run under qemu-user. This checks correctness (every fixture-free kernel
# test, the NEON step and tanh included); qemu's timings say nothing about real arm64 speed.
# Installs what is missing with apt (the machine runs as root; arm64 packages through multiarch).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v cmake >/dev/null || missing+=(cmake)
command -v ninja >/dev/null || missing+=(ninja-build)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v aarch64-linux-gnu-g++ >/dev/null || missing+=(g++-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
[ -e /usr/lib/aarch64-linux-gnu/pkgconfig/openblas.pc ] || missing+=(libopenblas-dev:arm64)
# OpenBLAS's static library needs the Fortran runtime.
[ -e /usr/lib/gcc-cross/aarch64-linux-gnu/12/libgfortran.a ] || missing+=(libgfortran-12-dev-arm64-cross)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} =="
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build=build-arm64
echo "== cross build (aarch64-linux-gnu-g++) =="
PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
  cmake -S . -B "$build" -G Ninja -DVRNN_KERNEL_ONLY=ON -DVRNN_STATIC_EXECUTABLES=ON -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64 -DCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++ >/dev/null
cmake --build "$build" --target kernel_tests

echo "== kernel tests under qemu-aarch64 =="
# The kernel calls OpenBLAS on one thread (as the addon does); an x86 core type means nothing here.
env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 qemu-aarch64 "$build/kernel_tests"
