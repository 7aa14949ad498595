#include "forward_async.h"

#include <atomic>
#include <cstring>
#include <new>
#include <vector>

#include "../kernel/thread_pool.h"
#include "../kernel/workspace_pool.h"

namespace vrnn_binding {
namespace {

template <typename T>
std::vector<T> CopyOf(const T* data, std::size_t count) {
  return data == nullptr ? std::vector<T>() : std::vector<T>(data, data + count);
}

template <typename T>
const T* DataOrNull(const std::vector<T>& v, const T* original) {
  return original == nullptr ? nullptr : v.data();
}

class ForwardWorker : public Napi::AsyncWorker {
 public:
  ForwardWorker(Napi::Function callback, std::shared_ptr<const vrnn::RnnModel> model,
                std::shared_ptr<vrnn::WorkspacePool> workspaces, const SequenceArgs& args,
                std::shared_ptr<std::atomic<bool>> cancelled)
      : Napi::AsyncWorker(callback, "vanilla-rnn:forwardAsync"),
        model_(std::move(model)),
        workspaces_(std::move(workspaces)),
        call_(args.call),
        cancelled_(std::move(cancelled)),
        input_(CopyOf(args.call.input, args.input_size)),
        h0_(CopyOf(args.call.h0, args.state_size)),
        lengths_(CopyOf(args.call.lengths, args.call.batch)),
        mask_(CopyOf(args.call.mask, args.call.steps * args.call.batch)) {
    call_.input = input_.data();
    call_.h0 = DataOrNull(h0_, args.call.h0);
    call_.lengths = DataOrNull(lengths_, args.call.lengths);
    call_.mask = DataOrNull(mask_, args.call.mask);
    Napi::Env env = Env();
    Napi::ArrayBuffer output = Napi::ArrayBuffer::New(env, args.output_size * sizeof(float));
    Napi::ArrayBuffer hn = Napi::ArrayBuffer::New(env, args.state_size * sizeof(float));
    call_.output = static_cast<float*>(output.Data());
    call_.hn = static_cast<float*>(hn.Data());
    output_ = Napi::Persistent(output);
    hn_ = Napi::Persistent(hn);
    vrnn::ComputeThreads::Instance().NoteQueued();
  }

  ~ForwardWorker() override { Dequeue(); }

  void Execute() override {
    Dequeue();
    if (cancelled_->load()) return;
    started_ = true;
    try {
      std::unique_ptr<vrnn::Workspace> workspace = workspaces_->Take();
      model_->Forward(call_, *workspace);
      workspaces_->Give(std::move(workspace));
    } catch (const std::exception&) {
      SetError("forwardAsync: out of memory for the workspace of this call");
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Callback().Call({env.Null(), output_.Value(), hn_.Value(), Napi::Boolean::New(env, !started_)});
  }

 private:
  std::shared_ptr<const vrnn::RnnModel> model_;
  std::shared_ptr<vrnn::WorkspacePool> workspaces_;
  vrnn::SequenceBatch call_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  std::vector<float> input_;
  std::vector<float> h0_;
  std::vector<int32_t> lengths_;
  std::vector<uint8_t> mask_;
  Napi::Reference<Napi::ArrayBuffer> output_;
  Napi::Reference<Napi::ArrayBuffer> hn_;
  bool started_ = false;
  bool dequeued_ = false;

  // Once per worker, whether it ran or was dropped with its environment.
  void Dequeue() {
    if (dequeued_) return;
    dequeued_ = true;
    vrnn::ComputeThreads::Instance().NoteDequeued();
  }
};

}  // namespace

Napi::Value StartForwardWorker(Napi::Env env, std::shared_ptr<const vrnn::RnnModel> model,
                               std::shared_ptr<vrnn::WorkspacePool> workspaces, const SequenceArgs& args,
                               Napi::Function callback) {
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  ForwardWorker* worker;
  try {
    worker = new ForwardWorker(callback, std::move(model), std::move(workspaces), args, cancelled);
  } catch (const std::exception&) {
    throw Napi::RangeError::New(env, "forwardAsync: out of memory for a copy of the inputs or outputs");
  }
  worker->Queue();
  return Napi::Function::New(env, [cancelled](const Napi::CallbackInfo&) { cancelled->store(true); }, "cancel");
}

}  // namespace vrnn_binding
