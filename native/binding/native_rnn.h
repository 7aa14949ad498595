// The JS-visible model object: owns a kernel RnnModel and the workspace its sync calls reuse.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>

#include "../kernel/rnn_model.h"
#include "../kernel/workspace.h"
#include "forward_async.h"
#include "sequence_args.h"

namespace vrnn_binding {

class NativeRnn : public Napi::ObjectWrap<NativeRnn> {
 public:
  static Napi::Function Constructor(Napi::Env env);

  explicit NativeRnn(const Napi::CallbackInfo& info);
  ~NativeRnn() override;

 private:
  // Typed in lib/native/binding.ts. setWeights takes one object; the forward calls take their fields
  // as arguments, in the order below, since reading them as properties through Node-API costs more
  // than a whole small call.
  // setWeights({ layer, direction, weightIh, weightHh, biasIh | null, biasHh | null })
  Napi::Value SetWeights(const Napi::CallbackInfo& info);
  void SetWeightsChecked(const Napi::Object& weights, int layer, int dir, std::size_t h, std::size_t in);
  // forward(input, steps, batch, batchFirst, h0 | null, lengths | null, mask | null, output, hn)
  Napi::Value Forward(const Napi::CallbackInfo& info);
  // forwardAsync(input, steps, batch, batchFirst, h0, lengths, mask, output | null, hn | null, done)
  // -> cancel(); outputs over a SharedArrayBuffer, or both null for new ArrayBuffers
  Napi::Value ForwardAsync(const Napi::CallbackInfo& info);

  std::shared_ptr<vrnn::RnnModel> model_;
  int64_t reported_bytes_ = 0;  // told to V8, so its GC weighs the native weights behind a small JS object
  vrnn::Workspace workspace_;  // for sync calls (the main thread runs one at a time)
  std::shared_ptr<AsyncScratch> async_scratch_ = std::make_shared<AsyncScratch>();
};

}  // namespace vrnn_binding
