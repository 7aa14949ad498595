// One forward call of a model: every layer's projection and recurrence, spread over the threads
// the call may use. All allocation happens before the threads start.
//
// Per layer: the recurrence threads start at once, each step awaiting the projection rows it reads
// (see ProjectionSchedule); threads with no part in the recurrence project ahead of it. In a split
// of the sequences on a SIMD path each unit projects its own rows a few steps ahead instead. The
// recurrence is cut into units, each direction's sequences in groups when there are enough of
// them (sequences are independent) or else each direction whole, and threads claim units as they
// come free: the calling thread takes the first, so a helper that never starts (its core busy
// with another process) leaves nothing undone, and one descheduled mid-call holds up one unit, not
// a share of them. The next layer, which reads this one's output, starts once every unit is done.
// Only a direction whose steps are large and few (B < 16, B*H*H large) splits its columns between
// threads that meet after every step.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "projection.h"
#include "recurrence.h"
#include "rnn_model.h"
#include "compute_threads.h"
#include "spin_barrier.h"

namespace vrnn {

class ForwardPass {
 public:
  ForwardPass(const RnnModel& model, const SequenceBatch& batch, Workspace& workspace);
  void Run();

 private:
  enum class Split { kNone, kColumns, kRows };

  struct ColumnTeam {     // the threads of one direction in a column split
    int first_thread;     // threads first_thread, first_thread + step, ...
    int step;
    int size;
    std::unique_ptr<SpinBarrier> barrier;
  };

  bool IsSmall() const;
  void RunSmall();
  int UsefulThreads() const;
  Split ChooseSplit(int threads) const;
  void PlanColumnTeams(int threads);
  std::size_t SequencesPerGroup() const;
  void Prepare(int threads);
  void RunOnThread(int thread);
  void RunUnits(int layer, int thread);
  void RunUnit(int layer, std::size_t unit, int thread);
  void AwaitLayer(int layer);
  void RunColumnTeams(int layer, int thread);
  int TeamMember(int dir, int thread) const;  // -1 when the thread has no part in dir's recurrence
  void ProjectAhead(int layer);
  void RecurColumns(int layer, int dir, const DirectionJob& job, RecurrenceCursor& cursor, std::size_t begin,
                    std::size_t end, SpinBarrier* barrier);
  void RecurProjectingOwnRows(int layer, int dir, const DirectionJob& unit_job, RecurrenceCursor& cursor, int thread);
  std::size_t StepsPerUnitProjection(std::size_t sequences) const;
  std::size_t UnitProjectionFloats() const;
  void RecurInterleaved(int layer, int thread);
  ProjectionArgs ProjectionFor(int layer, int dir) const;
  DirectionJob JobFor(int layer, int dir) const;
  const float* LayerInput(int layer) const;
  float* LayerOutput(int layer) const;

  const RnnModel& model_;
  const RnnSpec& spec_;
  const SequenceBatch& batch_;
  Workspace& ws_;
  const RowLayout layout_;
  const int nd_;
  const std::size_t hidden_;
  StepKernel kernel_;
  StepKernel projection_kernel_;  // nullptr: sgemm
  Split split_ = Split::kNone;
  bool interleave_ = false;  // one thread advances both directions step by step
  bool units_project_ = false;  // each unit projects its own rows (a row split on a SIMD path)
  // Units: per layer, unit u is direction u % nd, group u / nd of the sorted sequences.
  std::size_t sequences_per_unit_ = 0;
  std::size_t units_per_layer_ = 0;
  std::unique_ptr<std::atomic<std::size_t>[]> next_unit_;   // [layers]: the next unclaimed unit
  std::unique_ptr<std::atomic<std::size_t>[]> units_done_;  // [layers]
  // Column splits only.
  ColumnTeam teams_[2];
  std::unique_ptr<SpinBarrier> all_threads_;
};

}  // namespace vrnn
