#include "native_rnn.h"

#include <cmath>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "../kernel/step_kernel.h"
#include "../kernel/compute_threads.h"
#include "addon_data.h"
#include "enum_names.h"
#include "forward_async.h"
#include "js_args.h"

namespace vrnn_binding {
namespace {

constexpr int64_t kMaxBlasDimension = std::numeric_limits<int32_t>::max();

vrnn::Activation ActivationFrom(const Napi::Value& value, const char* name) {
  const Napi::Object object = ObjectArg(value, name);
  vrnn::Activation activation;
  activation.kind = ActivationKindArg(object.Get("name"), name);
  activation.alpha = static_cast<float>(NumberArg(object.Get("alpha"), name));
  activation.beta = static_cast<float>(NumberArg(object.Get("beta"), name));
  return activation;
}

// Each weight matrix must stay within what BLAS (32-bit sizes) and a typed array can address.
void CheckMatrixSizes(Napi::Env env, const vrnn::RnnSpec& spec) {
  const double h = spec.hidden_size;
  const double widest_input = std::max<double>(spec.input_size, spec.num_directions() * h);
  if (h * vrnn::PaddedColumns(spec.hidden_size) > kMaxBlasDimension || h * widest_input > kMaxBlasDimension) {
    throw Napi::RangeError::New(env, "hiddenSize, inputSize: a weight matrix of " + std::to_string(spec.hidden_size) +
                                         " x " + std::to_string(static_cast<int64_t>(std::max(h, widest_input))) +
                                         " exceeds the 2^31-1 elements supported");
  }
}

vrnn::RnnSpec SpecFrom(const Napi::Value& value) {
  const Napi::Object object = ObjectArg(value, "spec");
  vrnn::RnnSpec spec;
  spec.input_size = static_cast<int>(IntegerArg(object.Get("inputSize"), "inputSize", 1, kMaxBlasDimension));
  spec.hidden_size = static_cast<int>(IntegerArg(object.Get("hiddenSize"), "hiddenSize", 1, kMaxBlasDimension / 2));
  spec.num_layers = static_cast<int>(IntegerArg(object.Get("numLayers"), "numLayers", 1, 1 << 16));
  spec.direction = DirectionArg(object.Get("direction"), "direction");
  Napi::Value activations = object.Get("activations");
  if (!activations.IsArray() || activations.As<Napi::Array>().Length() != static_cast<uint32_t>(spec.num_directions())) {
    throw Napi::TypeError::New(value.Env(), "activations: expected one per direction");
  }
  for (int dir = 0; dir < spec.num_directions(); ++dir) {
    spec.activations[dir] = ActivationFrom(activations.As<Napi::Array>().Get(dir), "activations");
  }
  spec.clip = static_cast<float>(NumberArg(object.Get("clip"), "clip"));
  spec.outputs_in_processing_order = BoolArg(object.Get("outputsInProcessingOrder"), "outputsInProcessingOrder");
  CheckMatrixSizes(value.Env(), spec);
  return spec;
}

// The recurrence indexes rows by each length: one outside [1, steps] would read past the input.
void CheckLengths(Napi::Env env, const int32_t* lengths, std::size_t batch, std::size_t steps) {
  if (lengths == nullptr) return;
  for (std::size_t b = 0; b < batch; ++b) {
    if (lengths[b] < 1 || static_cast<std::size_t>(lengths[b]) > steps) {
      throw Napi::RangeError::New(env, "lengths[" + std::to_string(b) + "]: expected an integer in [1, " +
                                           std::to_string(steps) + "], got " + std::to_string(lengths[b]));
    }
  }
}

}  // namespace

Napi::Function NativeRnn::Constructor(Napi::Env env) {
  return ObjectWrap<NativeRnn>::DefineClass(env, "NativeRnn",
                                            {InstanceMethod<&NativeRnn::SetWeights>("setWeights"),
                                             InstanceMethod<&NativeRnn::Forward>("forward"),
                                             InstanceMethod<&NativeRnn::ForwardAsync>("forwardAsync")});
}

NativeRnn::NativeRnn(const Napi::CallbackInfo& info) : ObjectWrap<NativeRnn>(info) {
  const vrnn::RnnSpec spec = SpecFrom(info[0]);
  try {
    model_ = std::make_shared<vrnn::RnnModel>(spec);
  } catch (const std::exception&) {
    throw Napi::RangeError::New(info.Env(), "RNN: out of memory for the weights of this model");
  }
  reported_bytes_ = static_cast<int64_t>(model_->ParameterBytes());
  Napi::MemoryManagement::AdjustExternalMemory(info.Env(), reported_bytes_);
}

// Also runs as the environment is torn down: never throws (the wrapper's call would on failure).
NativeRnn::~NativeRnn() {
  int64_t total;
  napi_adjust_external_memory(Env(), -reported_bytes_, &total);
}

Napi::Value NativeRnn::SetWeights(const Napi::CallbackInfo& info) {
  const vrnn::RnnSpec& spec = model_->spec();
  const Napi::Object weights = ObjectArg(info[0], "weights");
  const int layer = static_cast<int>(IntegerArg(weights.Get("layer"), "layer", 0, spec.num_layers - 1));
  const int dir = static_cast<int>(IntegerArg(weights.Get("direction"), "direction", 0, spec.num_directions() - 1));
  const std::size_t h = spec.hidden_size;
  const std::size_t in = spec.layer_input_size(layer);
  try {
    // An async call in flight holds the model: give it a copy so it keeps the weights it started with.
    if (model_.use_count() > 1) model_ = std::make_shared<vrnn::RnnModel>(*model_);
    SetWeightsChecked(weights, layer, dir, h, in);
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(info.Env(), "loadStateDict: out of memory for the weights");
  }
  return info.Env().Undefined();
}

void NativeRnn::SetWeightsChecked(const Napi::Object& weights, int layer, int dir, std::size_t h, std::size_t in) {
  Napi::Env env = weights.Env();
  model_->SetWeights(layer, dir, Float32Arg(weights.Get("weightIh"), "weightIh", CheckedProduct(env, h, in, "weightIh")),
                     Float32Arg(weights.Get("weightHh"), "weightHh", CheckedProduct(env, h, h, "weightHh")),
                     OptionalFloat32Arg(weights.Get("biasIh"), "biasIh", h),
                     OptionalFloat32Arg(weights.Get("biasHh"), "biasHh", h));
}

SequenceArgs ReadSequenceArgs(const Napi::CallbackInfo& info, const vrnn::RnnSpec& spec) {
  Napi::Env env = info.Env();
  SequenceArgs args;
  const std::size_t steps = IntegerArg(info[1], "steps", 0, kMaxBlasDimension);
  const std::size_t batch = IntegerArg(info[2], "batch", 0, kMaxBlasDimension);
  const std::size_t nd = spec.num_directions();
  const std::size_t h = spec.hidden_size;
  const std::size_t widest_row = std::max<std::size_t>(spec.input_size, nd * h);
  if (CheckedProduct(env, batch, widest_row, "batch * row width") > static_cast<std::size_t>(kMaxBlasDimension)) {
    throw Napi::RangeError::New(env, "batch * row width: exceeds the 2^31-1 elements BLAS can stride over");
  }
  const std::size_t rows = CheckedProduct(env, steps, batch, "steps * batch");
  args.input_size = CheckedProduct(env, rows, spec.input_size, "input");
  args.output_size = CheckedProduct(env, rows, nd * h, "output");
  args.state_size = CheckedProduct(env, CheckedProduct(env, spec.num_layers * nd, batch, "hn"), h, "hn");
  vrnn::SequenceBatch& batch_call = args.call;
  batch_call.steps = steps;
  batch_call.batch = batch;
  batch_call.input = Float32Arg(info[0], "input", args.input_size);
  batch_call.batch_first = BoolArg(info[3], "batchFirst");
  batch_call.h0 = OptionalFloat32Arg(info[4], "h0", args.state_size);
  batch_call.lengths = OptionalInt32Arg(info[5], "lengths", batch);
  batch_call.mask = OptionalUint8Arg(info[6], "mask", rows);
  CheckLengths(env, batch_call.lengths, batch, steps);
  batch_call.kernel_path = DataOf(env).kernel_path;
  batch_call.max_threads = vrnn::ComputeThreads::Instance().max_threads();
  return args;
}

// The kernel reads the inputs while it writes the outputs: they must not share bytes. Comparing
// the data pointers here is exact and cheap (in JS, reading .buffer of a small typed array costs).
void CheckOutputsApart(Napi::Env env, const SequenceArgs& a) {
  const vrnn::SequenceBatch& c = a.call;
  const BufferSpan output = FloatSpan(c.output, a.output_size, "out.output");
  const BufferSpan hn = FloatSpan(c.hn, a.state_size, "out.hn");
  CheckApart(env, output, FloatSpan(c.input, a.input_size, "input"));
  CheckApart(env, output, FloatSpan(c.h0, a.state_size, "h0"));
  CheckApart(env, output, hn);
  CheckApart(env, hn, FloatSpan(c.input, a.input_size, "input"));
  CheckApart(env, hn, FloatSpan(c.h0, a.state_size, "h0"));
}

Napi::Value NativeRnn::Forward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SequenceArgs args = ReadSequenceArgs(info, model_->spec());
  args.call.output = Float32Arg(info[7], "output", args.output_size);
  args.call.hn = Float32Arg(info[8], "hn", args.state_size);
  CheckOutputsApart(env, args);
  try {
    model_->Forward(args.call, workspace_);
  } catch (const std::exception&) {
    throw Napi::RangeError::New(env, "forward: out of memory for the workspace of this call");
  }
  return env.Undefined();
}

namespace {

// An async call writes its outputs while JS runs: only memory that cannot be detached (a
// SharedArrayBuffer) may be handed in for them.
Napi::Value SharedFloat32Arg(const Napi::Value& value, const char* name, std::size_t expected, float** data) {
  *data = Float32Arg(value, name, expected);
  napi_value buffer;
  bool is_array_buffer = true;
  napi_get_typedarray_info(value.Env(), value, nullptr, nullptr, nullptr, &buffer, nullptr);
  napi_is_arraybuffer(value.Env(), buffer, &is_array_buffer);
  if (is_array_buffer) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + ": expected a Float32Array over a SharedArrayBuffer " +
                                                "(an ArrayBuffer could be transferred while the work runs)");
  }
  return value;
}

}  // namespace

Napi::Value NativeRnn::ForwardAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SequenceArgs args = ReadSequenceArgs(info, model_->spec());
  const Napi::Value output = info[7];
  const Napi::Value hn = info[8];
  const Napi::Value done = info[9];
  if (!done.IsFunction()) throw Napi::TypeError::New(env, "done: expected a function");
  std::vector<Napi::Value> outputs;
  // Both outputs or neither: one given alone is refused below as the other's wrong type.
  if ((!output.IsNull() && !output.IsUndefined()) || (!hn.IsNull() && !hn.IsUndefined())) {
    outputs.push_back(SharedFloat32Arg(output, "out.output", args.output_size, &args.call.output));
    outputs.push_back(SharedFloat32Arg(hn, "out.hn", args.state_size, &args.call.hn));
    CheckApart(env, FloatSpan(args.call.output, args.output_size, "out.output"), FloatSpan(args.call.hn, args.state_size, "out.hn"));
  }
  return StartForwardWorker(env, model_, async_scratch_, args, outputs, done.As<Napi::Function>());
}

}  // namespace vrnn_binding
