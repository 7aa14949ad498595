// One forward call of a model: every layer's projection and recurrence, spread over the threads
// the call may use. All allocation happens before the threads start.
//
// Per layer: the recurrence threads start at once, each step awaiting the projection rows it reads
// (see ProjectionSchedule); threads with no part in the recurrence project ahead of it; all meet
// before the next layer, which reads this one's output. A bidirectional layer gives each direction
// its own threads (the directions are independent). A direction's threads split its sequences when
// there are enough of them (claimed in groups as threads come free; no barrier: sequences are
// independent), or else its columns, meeting after every step, which pays only when a step is
// large; small steps keep one thread.
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

  struct DirectionTeam {  // the threads of one direction in the recurrence
    int first_thread;     // threads first_thread, first_thread + step, ...
    int step;
    int size;             // threads that share the work (the rest of the group project ahead)
    Split split;
    std::unique_ptr<SpinBarrier> barrier;  // column splits only
  };

  bool IsSmall() const;
  void RunSmall();
  int UsefulThreads() const;
  Split ChooseSplit(int group) const;
  void PlanTeams(int threads);
  std::size_t SequencesPerGroup() const;
  void Prepare(int threads);
  void RunOnThread(int thread, int threads);
  int TeamMember(int dir, int thread) const;  // -1 when the thread has no part in dir's recurrence
  void ProjectAhead(int layer);
  void Recur(int layer, int dir, int member, int thread);
  void RecurColumns(int layer, int dir, const DirectionJob& job, RecurrenceCursor& cursor, std::size_t begin,
                    std::size_t end);
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
  DirectionTeam teams_[2];
  bool interleave_ = false;  // one thread advances both directions step by step
  std::unique_ptr<SpinBarrier> all_threads_;
  // Row splits, by layer and direction: the next unclaimed sequence of `order`.
  std::unique_ptr<std::atomic<std::size_t>[]> next_group_;
};

}  // namespace vrnn
