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
    } catch (const std::exception&) {
      SetError("forwardAsync: out of memory for the workspace of this call");
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Callback().Call({env.Null(), output_.Value(), hn_.Value(), Napi::Boolean::New(env, !started_)});
  }

 private:
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
