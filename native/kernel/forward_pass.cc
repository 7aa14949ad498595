#include "forward_pass.h"

#include <algorithm>

namespace vrnn {
namespace {

// Below this many multiply-adds in a whole call, waking helper threads costs more than it saves.
constexpr double kMinWorkForThreads = 2.0e6;
// A recurrent step of at least this many multiply-adds (B*H*H) is worth splitting by columns
// across threads that then meet at a barrier (~0.3 us) after every step.
constexpr std::size_t kMinStepWorkForSplit = 1 << 15;

std::size_t CeilDiv(std::size_t a, std::size_t b) { return (a + b - 1) / b; }

// Columns [begin, end) of member `index` of `parts`, cut at vector boundaries.
void ColumnRange(std::size_t hidden, int index, int parts, std::size_t* begin, std::size_t* end) {
  const std::size_t per_part = CeilDiv(CeilDiv(hidden, kColumnAlign), parts) * kColumnAlign;
  *begin = std::min(hidden, per_part * index);
  *end = std::min(hidden, *begin + per_part);
}

}  // namespace

ForwardPass::ForwardPass(const RnnModel& model, const SequenceBatch& batch, Workspace& workspace)
    : model_(model),
      spec_(model.spec()),
      batch_(batch),
      ws_(workspace),
      layout_{batch.steps, batch.batch, batch.batch_first},
      nd_(model.spec().num_directions()),
      hidden_(model.spec().hidden_size),
      kernel_(StepKernelFor(batch.kernel_path)) {}

void ForwardPass::Run() {
  if (layout_.RowCount() == 0) return;
  const int wanted = std::min(batch_.max_threads, UsefulThreads());
  ComputeLease lease = ComputeThreads::Instance().Lease(wanted);
  Prepare(lease.threads());
  lease.Run([this](int thread, int threads) { RunOnThread(thread, threads); });
}

int ForwardPass::UsefulThreads() const {
  double work = 0;
  for (int layer = 0; layer < spec_.num_layers; ++layer) {
    work += static_cast<double>(layout_.RowCount()) * nd_ * hidden_ * (spec_.layer_input_size(layer) + hidden_);
  }
  if (work < kMinWorkForThreads) return 1;
  if (layout_.batch * hidden_ * hidden_ >= kMinStepWorkForSplit) return batch_.max_threads;
  const std::size_t projection_tasks = ProjectionTaskCount(ProjectionFor(0, 0));
  return static_cast<int>(std::max<std::size_t>(nd_, std::min<std::size_t>(projection_tasks, batch_.max_threads)));
}

void ForwardPass::PlanTeams(int threads) {
  const bool split = layout_.batch * hidden_ * hidden_ >= kMinStepWorkForSplit;
  const int max_parts = static_cast<int>(CeilDiv(hidden_, kColumnAlign));
  interleave_ = nd_ == 2 && threads == 1;
  for (int dir = 0; dir < nd_; ++dir) {
    DirectionTeam& team = teams_[dir];
    const bool own_threads = nd_ == 2 && threads >= 2;
    team.first_thread = own_threads ? dir : 0;
    team.step = own_threads ? 2 : 1;
    const int group = own_threads ? (threads - dir + 1) / 2 : threads;
    team.size = split ? std::min(group, max_parts) : 1;
    if (team.size > 1) team.barrier = std::make_unique<SpinBarrier>(team.size);
  }
}

void ForwardPass::Prepare(int threads) {
  const std::size_t rows = layout_.RowCount();
  for (int dir = 0; dir < nd_; ++dir) Workspace::Reserve(ws_.projections[dir], rows * hidden_);
  if (spec_.num_layers > 1) Workspace::Reserve(ws_.layer_outputs[0], rows * nd_ * hidden_);
  if (spec_.num_layers > 2) Workspace::Reserve(ws_.layer_outputs[1], rows * nd_ * hidden_);
  ws_.zeros.assign(hidden_, 0.0f);
  SortByLength(batch_.lengths, layout_.batch, ws_.order);
  if (ws_.cursors.size() < static_cast<std::size_t>(threads) * 2) ws_.cursors.resize(threads * 2);
  // Sized here, before the threads start, so nothing allocates (or can fail) inside them.
  for (RecurrenceCursor& cursor : ws_.cursors) ReserveCursor(cursor, layout_.batch);
  const std::size_t layers = spec_.num_layers;
  if (ws_.task_counter_count < layers) {
    ws_.task_counters = std::make_unique<std::atomic<std::size_t>[]>(layers);
    ws_.task_counter_count = layers;
  }
  for (std::size_t layer = 0; layer < layers; ++layer) ws_.task_counters[layer].store(0);
  if (threads > 1) all_threads_ = std::make_unique<SpinBarrier>(threads);
  PlanTeams(threads);
}

void ForwardPass::RunOnThread(int thread, int threads) {
  for (int layer = 0; layer < spec_.num_layers; ++layer) {
    Project(layer, thread);
    if (threads > 1) all_threads_->Wait();
    if (interleave_) RecurInterleaved(layer, thread);
    else Recur(layer, thread);
    if (threads > 1) all_threads_->Wait();
  }
}

void ForwardPass::Project(int layer, int /*thread*/) {
  const ProjectionArgs first = ProjectionFor(layer, 0);
  const std::size_t per_direction = ProjectionTaskCount(first);
  const std::size_t total = per_direction * nd_;
  std::atomic<std::size_t>& next_task = ws_.task_counters[layer];
  for (std::size_t task = next_task++; task < total; task = next_task++) {
    const int dir = static_cast<int>(task / per_direction);
    RunProjectionTask(dir == 0 ? first : ProjectionFor(layer, dir), task % per_direction);
  }
}

void ForwardPass::Recur(int layer, int thread) {
  for (int dir = 0; dir < nd_; ++dir) {
    DirectionTeam& team = teams_[dir];
    const int offset = thread - team.first_thread;
    if (offset < 0 || offset % team.step != 0 || offset / team.step >= team.size) continue;
    const int member = offset / team.step;
    std::size_t begin, end;
    ColumnRange(hidden_, member, team.size, &begin, &end);
    const DirectionJob job = JobFor(layer, dir);
    RecurrenceCursor& cursor = ws_.cursors[thread * 2 + dir];
    BeginRecurrence(job, cursor);
    for (std::size_t s = 0; s < layout_.steps; ++s) {
      if (begin < end) AdvanceRecurrence(job, cursor, s, begin, end);
      if (team.size > 1) team.barrier->Wait();
    }
    if (begin < end) FinishRecurrence(job, cursor, begin, end);
  }
}

// One thread, two directions: advancing them step by step gives the core two independent
// dependency chains to overlap.
void ForwardPass::RecurInterleaved(int layer, int thread) {
  const DirectionJob jobs[2] = {JobFor(layer, 0), JobFor(layer, 1)};
  RecurrenceCursor* cursors[2] = {&ws_.cursors[thread * 2], &ws_.cursors[thread * 2 + 1]};
  for (int dir = 0; dir < 2; ++dir) BeginRecurrence(jobs[dir], *cursors[dir]);
  for (std::size_t s = 0; s < layout_.steps; ++s) {
    for (int dir = 0; dir < 2; ++dir) AdvanceRecurrence(jobs[dir], *cursors[dir], s, 0, hidden_);
  }
  for (int dir = 0; dir < 2; ++dir) FinishRecurrence(jobs[dir], *cursors[dir], 0, hidden_);
}

ProjectionArgs ForwardPass::ProjectionFor(int layer, int dir) const {
  const DirectionParameters& p = model_.Parameters(layer, dir);
  return {LayerInput(layer), static_cast<std::size_t>(spec_.layer_input_size(layer)), layout_, batch_.lengths,
          p.w_ih.data(), p.b_ih.data(), hidden_, ws_.projections[dir].data()};
}

DirectionJob ForwardPass::JobFor(int layer, int dir) const {
  const DirectionParameters& p = model_.Parameters(layer, dir);
  const std::size_t state_offset = (static_cast<std::size_t>(layer) * nd_ + dir) * layout_.batch * hidden_;
  const bool reverse = spec_.is_reverse(dir);
  return {
      {p.w_hh_t.data(), p.b_hh.data(), hidden_, spec_.activations[dir], spec_.clip},
      kernel_,
      reverse,
      reverse && spec_.outputs_in_processing_order,
      layout_,
      ws_.projections[dir].data(),
      batch_.lengths,
      batch_.mask,
      ws_.order.data(),
      batch_.h0 ? batch_.h0 + state_offset : nullptr,
      ws_.zeros.data(),
      LayerOutput(layer) + dir * hidden_,
      static_cast<std::size_t>(nd_) * hidden_,
      batch_.hn + state_offset,
  };
}

const float* ForwardPass::LayerInput(int layer) const {
  return layer == 0 ? batch_.input : LayerOutput(layer - 1);
}

// Hidden layers ping-pong between two workspace buffers; the last writes the caller's output.
float* ForwardPass::LayerOutput(int layer) const {
  if (layer + 1 == spec_.num_layers) return batch_.output;
  return ws_.layer_outputs[layer % 2].data();
}

}  // namespace vrnn
