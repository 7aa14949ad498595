// One forward call of a model: every layer's projection and recurrence, spread over the threads
// the call may use. All allocation happens before the threads start.
//
// Per layer: threads take projection tasks until none are left, meet, run the recurrence, meet.
// In the recurrence a bidirectional layer gives each direction its own threads (the directions
// are independent); a direction's threads split its columns and meet after every step, which pays
// only when a step is large, so small steps keep one thread per direction.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "projection.h"
#include "recurrence.h"
#include "rnn_model.h"
#include "thread_pool.h"

namespace vrnn {

class ForwardPass {
 public:
  ForwardPass(const RnnModel& model, const SequenceBatch& batch, Workspace& workspace);
  void Run();

 private:
  struct DirectionTeam {  // the threads of one direction in the recurrence
    int first_thread;     // threads first_thread, first_thread + step, ...
    int step;
    int size;             // threads that split the columns (the rest of the group idle)
    std::unique_ptr<SpinBarrier> barrier;
  };

  int UsefulThreads() const;
  void PlanTeams(int threads);
  void Prepare(int threads);
  void RunOnThread(int thread, int threads);
  void Project(int layer, int thread);
  void Recur(int layer, int thread);
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
  DirectionTeam teams_[2];
  bool interleave_ = false;  // one thread advances both directions step by step
  std::unique_ptr<SpinBarrier> all_threads_;
};

}  // namespace vrnn
