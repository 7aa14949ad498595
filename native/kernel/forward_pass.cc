#include "forward_pass.h"

#include <algorithm>

namespace vrnn {
namespace {

// Below this many multiply-adds in a whole call, waking helper threads costs more than it saves.
constexpr double kMinWorkForThreads = 2.0e6;
// Below this many, even the schedule that overlaps the projection with the recurrence on one
// thread costs more than it saves (a call of a few microseconds): see RunSmall.
constexpr double kMaxSmallCallWork = 2.0e5;
// A recurrent step of at least this many multiply-adds (B*H*H) is worth splitting by columns
// across threads that then meet at a barrier after every step (~0.5 us measured with the rows
// exchanged). Below it (B = 1, H = 256: 1.6 us a step alone, 1.5 split), one thread recurs while
// the others project ahead of it.
constexpr std::size_t kMinStepWorkForSplit = 1 << 18;
// A unit of a row split: at least one full register block of rows.
constexpr std::size_t kMinSequencesPerShare = 8;
// A unit projecting its own rows does so this many rows at a time (two of the blocked kernel's
// groups): few enough to be in L2 when the recurrence reads them (256 KB at H = 512). 128 ran
// batch256_h128 7 % faster than 64 on 2 threads (2.80 -> 2.60 ms), stack2 3 %; 256 no faster.
constexpr std::size_t kRowsPerUnitProjection = 128;

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
      kernel_(StepKernelFor(batch.kernel_path)),
      projection_kernel_(ProjectionKernelFor(batch.kernel_path)) {}

void ForwardPass::Run() {
  if (layout_.RowCount() == 0) return;
  const bool small = IsSmall();
  const int wanted = small ? 1 : std::min(batch_.max_threads, UsefulThreads());
  ComputeLease lease = ComputeThreads::Instance().Lease(wanted);
  if (small) return RunSmall();
  Prepare(lease.threads());
  lease.Run([this](int thread, int) { RunOnThread(thread); });
}

bool ForwardPass::IsSmall() const {
  return spec_.MultiplyAdds(static_cast<double>(layout_.RowCount())) < kMaxSmallCallWork;
}

// The same projection tasks and step kernel as a shared call, so the same bits, without the
// schedule: each layer and direction is projected whole, then recurs.
void ForwardPass::RunSmall() {
  const std::size_t rows = layout_.RowCount();
  for (int dir = 0; dir < nd_; ++dir) Workspace::Reserve(ws_.projections[dir], rows * hidden_);
  if (spec_.num_layers > 1) Workspace::Reserve(ws_.layer_outputs[0], rows * nd_ * hidden_);
  if (spec_.num_layers > 2) Workspace::Reserve(ws_.layer_outputs[1], rows * nd_ * hidden_);
  ws_.zeros.assign(hidden_, 0.0f);
  SortByLength(batch_.lengths, layout_.batch, ws_.order);
  if (ws_.cursors.empty()) ws_.cursors.resize(1);
  RecurrenceCursor& cursor = ws_.cursors[0];
  ReserveCursor(cursor, layout_.batch);
  for (int layer = 0; layer < spec_.num_layers; ++layer) {
    for (int dir = 0; dir < nd_; ++dir) {
      const ProjectionArgs projection = ProjectionFor(layer, dir);
      const std::size_t tasks = ProjectionTaskCount(projection);
      for (std::size_t task = 0; task < tasks; ++task) RunProjectionTask(projection, task);
      const DirectionJob job = JobFor(layer, dir);
      BeginRecurrence(job, cursor);
      for (std::size_t s = 0; s < layout_.steps; ++s) AdvanceRecurrence(job, cursor, s, 0, hidden_);
      FinishRecurrence(job, cursor, 0, hidden_);
    }
  }
}

int ForwardPass::UsefulThreads() const {
  if (spec_.MultiplyAdds(static_cast<double>(layout_.RowCount())) < kMinWorkForThreads) return 1;
  if (ChooseSplit(batch_.max_threads) != Split::kNone) return batch_.max_threads;
  // Otherwise one thread per direction, and others only to project ahead of the recurrence.
  const std::size_t projection_tasks = ProjectionTaskCount(ProjectionFor(0, 0)) * nd_;
  return static_cast<int>(std::max<std::size_t>(nd_, std::min<std::size_t>(projection_tasks, batch_.max_threads)));
}

// How `threads` threads share a direction's recurrence. Enough sequences are split into groups
// (no barrier: sequences are independent); otherwise a large step (B*H*H) is split by columns
// between the threads a direction has, which meet after every step; otherwise each direction
// recurs on one thread while the others project ahead of it.
ForwardPass::Split ForwardPass::ChooseSplit(int threads) const {
  if (threads < 2) return Split::kNone;
  const std::size_t batch = layout_.batch;
  if (batch >= 2 * kMinSequencesPerShare) return Split::kRows;
  const int per_direction = threads / nd_;
  if (per_direction >= 2 && batch * hidden_ * hidden_ >= kMinStepWorkForSplit) return Split::kColumns;
  return Split::kNone;
}

// With two directions each has its own threads (the even ones and the odd ones).
void ForwardPass::PlanColumnTeams(int threads) {
  const int max_column_parts = static_cast<int>(CeilDiv(hidden_, kColumnAlign));
  for (int dir = 0; dir < nd_; ++dir) {
    ColumnTeam& team = teams_[dir];
    team.first_thread = nd_ == 2 ? dir : 0;
    team.step = nd_;
    const int group = nd_ == 2 ? (threads - dir + 1) / 2 : threads;
    team.size = std::min(group, max_column_parts);
    team.barrier = team.size > 1 ? std::make_unique<SpinBarrier>(team.size) : nullptr;
  }
}

// A row split's units: groups of sequences from the sorted order (longest first), eight groups or
// more per direction, each at least a full register block of rows.
std::size_t ForwardPass::SequencesPerGroup() const {
  return std::max(kMinSequencesPerShare, CeilDiv(CeilDiv(layout_.batch, 8), kMinSequencesPerShare) * kMinSequencesPerShare);
}

void ForwardPass::Prepare(int threads) {
  const std::size_t rows = layout_.RowCount();
  split_ = ChooseSplit(threads);
  interleave_ = nd_ == 2 && threads == 1;
  // On a SIMD path a unit's projected rows come out the same bits whoever projects them and in
  // whatever groups (see ProjectSequenceSteps), so a unit projects its own a few steps ahead of its
  // recurrence: they are read from L2 instead of being written out whole and read back from memory.
  units_project_ = split_ == Split::kRows && projection_kernel_ != nullptr;
  sequences_per_unit_ = split_ == Split::kRows ? SequencesPerGroup() : layout_.batch;
  if (units_project_) {
    Workspace::Reserve(ws_.unit_projections, static_cast<std::size_t>(threads) * UnitProjectionFloats());
  } else {
    for (int dir = 0; dir < nd_; ++dir) Workspace::Reserve(ws_.projections[dir], rows * hidden_);
  }
  if (spec_.num_layers > 1) Workspace::Reserve(ws_.layer_outputs[0], rows * nd_ * hidden_);
  if (spec_.num_layers > 2) Workspace::Reserve(ws_.layer_outputs[1], rows * nd_ * hidden_);
  ws_.zeros.assign(hidden_, 0.0f);
  SortByLength(batch_.lengths, layout_.batch, ws_.order);
  if (ws_.cursors.size() < static_cast<std::size_t>(threads) * 2) ws_.cursors.resize(threads * 2);
  // Sized here, before the threads start, so nothing allocates (or can fail) inside them.
  for (RecurrenceCursor& cursor : ws_.cursors) ReserveCursor(cursor, layout_.batch);
  const ProjectionArgs shapes[2] = {ProjectionFor(0, 0), ProjectionFor(0, nd_ - 1)};
  ws_.projection_schedule.Plan(shapes, spec_.num_layers, nd_);
  if (split_ == Split::kColumns) {
    PlanColumnTeams(threads);
    all_threads_ = std::make_unique<SpinBarrier>(threads);
  }
  units_per_layer_ = nd_ * CeilDiv(layout_.batch, sequences_per_unit_);
  next_unit_ = std::make_unique<std::atomic<std::size_t>[]>(spec_.num_layers);
  units_done_ = std::make_unique<std::atomic<std::size_t>[]>(spec_.num_layers);
  for (int layer = 0; layer < spec_.num_layers; ++layer) {
    next_unit_[layer].store(1, std::memory_order_relaxed);  // unit 0 is the calling thread's
    units_done_[layer].store(0, std::memory_order_relaxed);
  }
}

void ForwardPass::RunOnThread(int thread) {
  for (int layer = 0; layer < spec_.num_layers; ++layer) {
    if (split_ == Split::kColumns) {
      // Column teams are fixed threads: every leased thread takes part, so all of them are met
      // after each layer, the last included (none may be left unstarted).
      RunColumnTeams(layer, thread);
      all_threads_->Wait();
      continue;
    }
    if (interleave_) {
      RecurInterleaved(layer, thread);  // the call's only thread
      continue;
    }
    RunUnits(layer, thread);
    // The next layer projects this one's output: every row of it must be written.
    if (layer + 1 < spec_.num_layers) AwaitLayer(layer);
  }
}

// The calling thread starts with unit 0; then every thread claims units until none is left, and
// projects what nobody has claimed yet for the units still running.
void ForwardPass::RunUnits(int layer, int thread) {
  if (split_ == Split::kRows && !units_project_) ProjectAhead(layer);
  if (thread == 0) RunUnit(layer, 0, thread);
  for (;;) {
    const std::size_t unit = next_unit_[layer].fetch_add(1, std::memory_order_relaxed);
    if (unit >= units_per_layer_) break;
    RunUnit(layer, unit, thread);
  }
  if (!units_project_) ProjectAhead(layer);
}

void ForwardPass::RunUnit(int layer, std::size_t unit, int thread) {
  const int dir = static_cast<int>(unit % nd_);
  const std::size_t first = unit / nd_ * sequences_per_unit_;
  DirectionJob job = JobFor(layer, dir);
  job.order = ws_.order.data() + first;
  job.sequence_count = std::min(sequences_per_unit_, layout_.batch - first);
  RecurrenceCursor& cursor = ws_.cursors[thread * 2 + dir];
  if (units_project_) RecurProjectingOwnRows(layer, dir, job, cursor, thread);
  else RecurColumns(layer, dir, job, cursor, 0, hidden_, nullptr);
  units_done_[layer].fetch_add(1, std::memory_order_release);
}

void ForwardPass::AwaitLayer(int layer) {
  SpinUntil([&] { return units_done_[layer].load(std::memory_order_acquire) == units_per_layer_; });
}

void ForwardPass::RunColumnTeams(int layer, int thread) {
  bool recurred = false;
  for (int dir = 0; dir < nd_; ++dir) {
    const int member = TeamMember(dir, thread);
    if (member < 0) continue;
    const ColumnTeam& team = teams_[dir];
    std::size_t begin = 0, end = hidden_;
    ColumnRange(hidden_, member, team.size, &begin, &end);
    RecurColumns(layer, dir, JobFor(layer, dir), ws_.cursors[thread * 2 + dir], begin, end, team.barrier.get());
    recurred = true;
  }
  if (!recurred) ProjectAhead(layer);
}

int ForwardPass::TeamMember(int dir, int thread) const {
  const ColumnTeam& team = teams_[dir];
  const int offset = thread - team.first_thread;
  if (offset < 0 || offset % team.step != 0 || offset / team.step >= team.size) return -1;
  return offset / team.step;
}

void ForwardPass::ProjectAhead(int layer) {
  const ProjectionArgs args[2] = {ProjectionFor(layer, 0), ProjectionFor(layer, nd_ - 1)};
  for (bool progress = true; progress;) {
    progress = false;
    for (int dir = 0; dir < nd_; ++dir) progress |= ws_.projection_schedule.RunNextTask(layer, dir, args[dir]);
  }
}

// Every step of `job`'s sequences for columns [begin, end), each step once its projection is done;
// a column split's threads meet at `barrier` after every step.
void ForwardPass::RecurColumns(int layer, int dir, const DirectionJob& job, RecurrenceCursor& cursor,
                               std::size_t begin, std::size_t end, SpinBarrier* barrier) {
  const ProjectionArgs projection = ProjectionFor(layer, dir);
  std::size_t ready = 0;
  // Column-split threads meet every step, so one projecting a task would hold the others up, and
  // a task's GEMM evicts their halves of a large W_hh from L2: they project everything first.
  if (barrier) ws_.projection_schedule.AwaitAll(layer, dir, projection);
  BeginRecurrence(job, cursor);
  for (std::size_t s = 0; s < layout_.steps; ++s) {
    ws_.projection_schedule.AwaitStep(layer, dir, s, projection, &ready);
    if (begin < end) AdvanceRecurrence(job, cursor, s, begin, end);
    if (barrier) barrier->Wait();
  }
  if (begin < end) FinishRecurrence(job, cursor, begin, end);
}

// Every step of `job`'s sequences, projecting their rows a group of kRowsPerUnitProjection at a time.
// The rows go to the thread's scratch (UnitProjectionFloats), in L1 or L2 from the moment they are
// written until the steps read them: nothing the size of the whole projection is written out.
void ForwardPass::RecurProjectingOwnRows(int layer, int dir, const DirectionJob& unit_job, RecurrenceCursor& cursor,
                                         int thread) {
  const ProjectionArgs projection = ProjectionFor(layer, dir);
  const std::size_t steps = layout_.steps;
  DirectionJob job = unit_job;
  float* scratch = ws_.unit_projections.data() + static_cast<std::size_t>(thread) * UnitProjectionFloats();
  job.projection = scratch;
  job.projection_steps = StepsPerUnitProjection(job.sequence_count);
  BeginRecurrence(job, cursor);
  for (std::size_t s = 0; s < steps; ++s) {
    const std::size_t chunk = job.projection_steps;
    if (s % chunk == 0) {
      ProjectSequenceSteps(projection, job.order, job.sequence_count, s, std::min(chunk, steps - s), scratch);
      // The next chunk's input rows arrive from memory while these steps recur.
      if (s + chunk < steps) {
        PrefetchSequenceSteps(projection, job.order, job.sequence_count, s + chunk, std::min(chunk, steps - s - chunk));
      }
    }
    AdvanceRecurrence(job, cursor, s, 0, hidden_);
  }
  FinishRecurrence(job, cursor, 0, hidden_);
}

std::size_t ForwardPass::StepsPerUnitProjection(std::size_t sequences) const {
  return std::max<std::size_t>(1, kRowsPerUnitProjection / sequences);
}

// A unit's scratch: StepsPerUnitProjection(n) steps of its n sequences, at most
// max(kRowsPerUnitProjection, n) rows for any n (a last unit may have fewer sequences).
std::size_t ForwardPass::UnitProjectionFloats() const {
  return std::max(kRowsPerUnitProjection, sequences_per_unit_) * hidden_;
}

// One thread, two directions: advancing them step by step gives the core two independent
// dependency chains to overlap.
void ForwardPass::RecurInterleaved(int layer, int thread) {
  const DirectionJob jobs[2] = {JobFor(layer, 0), JobFor(layer, 1)};
  const ProjectionArgs projections[2] = {ProjectionFor(layer, 0), ProjectionFor(layer, 1)};
  RecurrenceCursor* cursors[2] = {&ws_.cursors[thread * 2], &ws_.cursors[thread * 2 + 1]};
  std::size_t ready[2] = {0, 0};
  for (int dir = 0; dir < 2; ++dir) BeginRecurrence(jobs[dir], *cursors[dir]);
  for (std::size_t s = 0; s < layout_.steps; ++s) {
    for (int dir = 0; dir < 2; ++dir) {
      ws_.projection_schedule.AwaitStep(layer, dir, s, projections[dir], &ready[dir]);
      AdvanceRecurrence(jobs[dir], *cursors[dir], s, 0, hidden_);
    }
  }
  for (int dir = 0; dir < 2; ++dir) FinishRecurrence(jobs[dir], *cursors[dir], 0, hidden_);
}

ProjectionArgs ForwardPass::ProjectionFor(int layer, int dir) const {
  const DirectionParameters& p = model_.Parameters(layer, dir);
  return {LayerInput(layer), static_cast<std::size_t>(spec_.layer_input_size(layer)), layout_, batch_.lengths,
          p.w_ih.data(), p.w_ih_t.data(), p.b_ih.data(), ws_.zeros.data(), projection_kernel_, hidden_,
          ws_.projections[dir].data(), spec_.is_reverse(dir)};
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
      0,
      batch_.lengths,
      batch_.mask,
      ws_.order.data(),
      layout_.batch,
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
