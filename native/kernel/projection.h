// The input projection X W_ih^T + b_ih for every time step at once, the part of the work that
// runs at the machine's GEMM peak: on a SIMD path through the same blocked kernel as the step
// (its FMA peak, whatever core type OpenBLAS was built or told to use), else through sgemm. It is cut into tasks that threads can take in any order: the
// cut depends only on the shapes, never on the thread count, so results are the same bits however
// many threads run it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "row_layout.h"
#include "step_kernel.h"

namespace vrnn {

struct ProjectionArgs {
  const float* input;       // rows of `input_width` floats, laid out by `layout`
  std::size_t input_width;  // D for the first layer, nd*H after it
  RowLayout layout;
  const int32_t* lengths;   // nullptr: every sequence has all T steps
  const float* w_ih;        // [H, input_width]
  const float* w_ih_t;      // W_ih packed for `kernel` (depth input_width)
  const float* b_ih;        // [PaddedColumns(H)]
  const float* zeros;       // [H] of zeros
  StepKernel kernel;        // the blocked kernel of a SIMD path, or nullptr for OpenBLAS's sgemm
  std::size_t hidden;       // H
  float* projection;        // [T*B, H] in `layout`; rows past a sequence's length are left unwritten
  bool reverse;             // the recurrence reading it runs from each sequence's last step
};

// How many independent tasks the projection splits into.
std::size_t ProjectionTaskCount(const ProjectionArgs& args);
void RunProjectionTask(const ProjectionArgs& args, std::size_t task);
// The first processing step of the recurrence (forward or reverse) that reads a row the task
// writes; SIZE_MAX for a task with no rows. Depends on the layout, lengths and direction only.
std::size_t ProjectionTaskFirstStep(const ProjectionArgs& args, std::size_t task);

// Projects the rows that processing steps [first_step, first_step + steps) of `sequences` read
// (none past a sequence's length) into `out`: step first_step + s of sequences[i] at row
// s * count + i, not in args.projection. On a SIMD path only (args.kernel set): the same bits as
// the tasks give these rows, so a recurrence unit can project its own rows into a few steps of
// scratch just before it reads them.
void ProjectSequenceSteps(const ProjectionArgs& args, const int32_t* sequences, std::size_t count,
                          std::size_t first_step, std::size_t steps, float* out);
// Asks for the input rows ProjectSequenceSteps would read (into L2), so they arrive while the
// recurrence runs the steps before them instead of stalling the projection on memory.
void PrefetchSequenceSteps(const ProjectionArgs& args, const int32_t* sequences, std::size_t count,
                           std::size_t first_step, std::size_t steps);

}  // namespace vrnn
