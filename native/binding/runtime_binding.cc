#include "runtime_binding.h"

#include <cblas.h>

#if defined(_WIN32)
#define NOMINMAX
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#else
#include <dlfcn.h>
#endif

#include <cstdlib>
#include <mutex>
#include <string>

#include "../kernel/compute_threads.h"
#include "addon_data.h"
#include "js_args.h"

namespace vrnn_binding {
namespace {

constexpr int64_t kMaxThreads = 1024;

// Node unloads an addon when the last worker_thread that loaded it ends (unless the main thread
// loaded it too). The process-wide state made on first use, the kernel's helper threads and
// OpenBLAS's, outlives every environment, and its code must stay mapped while it does: this
// library is pinned for the life of the process (its handle is never closed).
void PinThisLibrary() {
#if defined(_WIN32)
  HMODULE self;
  GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                     reinterpret_cast<LPCWSTR>(&PinThisLibrary), &self);
#else
  Dl_info self;
  if (dladdr(reinterpret_cast<void*>(&PinThisLibrary), &self) != 0 && self.dli_fname != nullptr) {
    dlopen(self.dli_fname, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
  }
#endif
}

}  // namespace

void InitProcessOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    PinThisLibrary();
    openblas_set_num_threads(1);
  });
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  vrnn::ComputeThreads::Instance().set_max_threads(static_cast<int>(IntegerArg(info[0], "threads", 1, kMaxThreads)));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), vrnn::ComputeThreads::Instance().max_threads());
}

// lib/ has checked the name against supportedKernelPaths(); this only maps it.
Napi::Value SetKernelPath(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "path: expected a string");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  vrnn::KernelPath path;
  if (!vrnn::ParseKernelPath(name, &path) || !vrnn::KernelPathSupported(path)) {
    throw Napi::RangeError::New(env, "path: '" + name + "' is not a kernel path this CPU supports");
  }
  DataOf(env).kernel_path = path;
  return env.Undefined();
}

Napi::Value GetKernelPath(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), vrnn::KernelPathName(DataOf(info.Env()).kernel_path));
}

Napi::Value SupportedKernelPaths(const Napi::CallbackInfo& info) {
  Napi::Array paths = Napi::Array::New(info.Env());
  for (vrnn::KernelPath path : vrnn::kAllKernelPaths) {
    if (vrnn::KernelPathSupported(path)) paths.Set(paths.Length(), vrnn::KernelPathName(path));
  }
  return paths;
}

}  // namespace vrnn_binding
