#include "forward_async.h"

#include <atomic>
#include <new>

#include "../kernel/compute_threads.h"

namespace vrnn_binding {
namespace {

// Below this many multiply-adds (about 0.2 ms on one core) an async call computes on its own
// thread. Calls on the libuv pool come many at a time in a service: each on one core they run side
// by side, while borrowing helpers would make them take turns and wait for sleeping helpers to wake
// (hundreds of microseconds on a VM).
constexpr double kMinAsyncWorkForHelpers = 2.0e7;

constexpr const char* kOutOfMemory = "forwardAsync: out of memory for the workspace of this call";

// Copies into scratch memory kept from earlier calls (assign reuses its capacity).
template <typename T>
const T* CopyInto(std::vector<T>& to, const T* from, std::size_t count) {
  if (from == nullptr) return nullptr;
  to.assign(from, from + count);
  return to.data();
}

class ForwardWorker : public Napi::AsyncWorker {
 public:
  ForwardWorker(Napi::Function callback, std::shared_ptr<const vrnn::RnnModel> model,
                std::shared_ptr<AsyncScratch> scratch, const SequenceArgs& args,
                const std::vector<Napi::Value>& outputs, std::shared_ptr<std::atomic<bool>> cancelled)
      : Napi::AsyncWorker(callback, "vanilla-rnn:forwardAsync"),
        model_(std::move(model)),
        scratch_(std::move(scratch)),
        inputs_(scratch_->inputs.Take()),
        call_(args.call),
        cancelled_(std::move(cancelled)) {
    const double rows = static_cast<double>(args.call.steps) * static_cast<double>(args.call.batch);
    if (model_->spec().MultiplyAdds(rows) < kMinAsyncWorkForHelpers) call_.max_threads = 1;
    call_.input = CopyInto(inputs_->input, args.call.input, args.input_size);
    call_.h0 = CopyInto(inputs_->h0, args.call.h0, args.state_size);
    call_.lengths = CopyInto(inputs_->lengths, args.call.lengths, args.call.batch);
    call_.mask = CopyInto(inputs_->mask, args.call.mask, args.call.steps * args.call.batch);
    if (outputs.empty()) {
      CreateOutputs(args);
    } else {
      output_ = Napi::Persistent(outputs[0]);
      hn_ = Napi::Persistent(outputs[1]);
    }
    vrnn::ComputeThreads::Instance().NoteQueued();
  }

  ~ForwardWorker() override {
    Dequeue();
    scratch_->inputs.Give(std::move(inputs_));
  }

  void Execute() override {
    Dequeue();
    if (cancelled_->load()) return;
    started_ = true;
    try {
      std::unique_ptr<vrnn::Workspace> workspace = scratch_->workspaces.Take();
      model_->Forward(call_, *workspace);
      scratch_->workspaces.Give(std::move(workspace));
    } catch (...) {
      error_ = kOutOfMemory;
    }
  }

  // Runs on the JS thread, also while the environment is being torn down (its worker terminated or
  // exiting, or the process exiting, with this call in flight): Node finishes the work it queued
  // before freeing the environment, so the buffers the kernel wrote are still alive here, but JS can
  // no longer be called and nobody is left to tell. Nothing here may throw into Node: node-addon-api's
  // completion would turn that failed call into a C++ exception that aborts the process.
  void OnWorkComplete(Napi::Env env, napi_status status) override {
    if (status != napi_cancelled) Settle(env);
    Destroy();
  }

 private:
  // callback(error | null, output, hn, cancelled); a call that fails because the environment is
  // closing is dropped, and an exception the callback throws stays pending for Node to report.
  void Settle(napi_env env) noexcept {
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    napi_value args[4];
    napi_value callback;
    napi_value receiver;
    if (SettleArgs(env, args) && napi_get_reference_value(env, Callback(), &callback) == napi_ok &&
        napi_get_reference_value(env, Receiver(), &receiver) == napi_ok) {
      napi_call_function(env, receiver, callback, 4, args, nullptr);
    }
    napi_close_handle_scope(env, scope);
  }

  bool SettleArgs(napi_env env, napi_value* args) noexcept {
    if (error_ != nullptr) {
      napi_value message;
      return napi_create_string_utf8(env, error_, NAPI_AUTO_LENGTH, &message) == napi_ok &&
             napi_create_range_error(env, nullptr, message, &args[0]) == napi_ok &&
             napi_get_undefined(env, &args[1]) == napi_ok && napi_get_undefined(env, &args[2]) == napi_ok &&
             napi_get_boolean(env, false, &args[3]) == napi_ok;
    }
    return napi_get_null(env, &args[0]) == napi_ok && napi_get_reference_value(env, output_, &args[1]) == napi_ok &&
           napi_get_reference_value(env, hn_, &args[2]) == napi_ok &&
           napi_get_boolean(env, !started_, &args[3]) == napi_ok;
  }

  void CreateOutputs(const SequenceArgs& args) {
    Napi::Env env = Env();
    Napi::ArrayBuffer output = Napi::ArrayBuffer::New(env, args.output_size * sizeof(float));
    Napi::ArrayBuffer hn = Napi::ArrayBuffer::New(env, args.state_size * sizeof(float));
    call_.output = static_cast<float*>(output.Data());
    call_.hn = static_cast<float*>(hn.Data());
    output_ = Napi::Persistent<Napi::Value>(output);
    hn_ = Napi::Persistent<Napi::Value>(hn);
  }

  // Once per worker, whether it ran or was dropped with its environment.
  void Dequeue() {
    if (dequeued_) return;
    dequeued_ = true;
    vrnn::ComputeThreads::Instance().NoteDequeued();
  }

  std::shared_ptr<const vrnn::RnnModel> model_;
  std::shared_ptr<AsyncScratch> scratch_;
  std::unique_ptr<AsyncInputs> inputs_;
  vrnn::SequenceBatch call_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  Napi::Reference<Napi::Value> output_;
  Napi::Reference<Napi::Value> hn_;
  const char* error_ = nullptr;  // set by Execute on its thread, read by OnWorkComplete after it
  bool started_ = false;
  bool dequeued_ = false;
};

}  // namespace

Napi::Value StartForwardWorker(Napi::Env env, std::shared_ptr<const vrnn::RnnModel> model,
                               std::shared_ptr<AsyncScratch> scratch, const SequenceArgs& args,
                               const std::vector<Napi::Value>& outputs, Napi::Function callback) {
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  ForwardWorker* worker;
  try {
    worker = new ForwardWorker(callback, std::move(model), std::move(scratch), args, outputs, cancelled);
  } catch (const std::exception&) {
    throw Napi::RangeError::New(env, "forwardAsync: out of memory for a copy of the inputs or outputs");
  }
  try {
    worker->Queue();
  } catch (...) {
    delete worker;  // never queued: nothing else will free it or count it out of the queue
    throw;
  }
  return Napi::Function::New(env, [cancelled](const Napi::CallbackInfo&) { cancelled->store(true); }, "cancel");
}

}  // namespace vrnn_binding
