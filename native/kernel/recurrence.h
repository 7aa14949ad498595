// The sequential part of one layer and direction: every time step of every sequence in the batch,
// reading the projected inputs and writing each new state straight into the output rows.
// Several threads may share a direction, either each owning a range of columns and meeting at a
// barrier after every step (each keeps its own cursor, advanced identically), or each owning a
// share of the sequences (no barrier: sequences are independent).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "row_layout.h"
#include "step_kernel.h"

namespace vrnn {

struct DirectionJob {
  PackedStepWeights weights;
  StepKernel kernel;
  bool reverse;                       // process each sequence from its last valid step to its first
  bool outputs_in_processing_order;   // store step s at row s rather than at its time t (Keras go_backwards)
  RowLayout layout;
  const float* projection;            // [T*B, H] in `layout`: x W_ih^T + b_ih
  // 0: as above. Else `projection` holds only this many steps of the job's sequences (processing
  // step s of order[i] at row (s % projection_steps) * sequence_count + i), refilled as it goes.
  std::size_t projection_steps;
  const int32_t* lengths;             // [B] or nullptr (all T)
  const uint8_t* mask;                // [B, T] or nullptr (no step skipped)
  const int32_t* order;               // the sequences this job advances, by decreasing length
  std::size_t sequence_count;         // entries in `order`: B, or a thread's share of them
  const float* h0;                    // [B, H] or nullptr (zeros)
  const float* zeros;                 // [H] of zeros
  float* output;                      // row (t, b) at output + layout.Row(t, b) * output_stride
  std::size_t output_stride;
  float* hn;                          // [B, H]
};

// One thread's progress through a direction. Sized once per call, reused across steps.
struct RecurrenceCursor {
  std::vector<const float*> states;   // [B]: where each sequence's state lives
  std::vector<const float*> outputs;  // [B]: each sequence's last output (differs from the state under a mask)
  std::vector<const float*> h_rows;   // this step's rows, for the step kernel
  std::vector<const float*> p_rows;
  std::vector<float*> out_rows;
  std::size_t running = 0;            // sequences still running, a prefix of `order`
};

// Gives the cursor room for `batch` sequences (the only allocation a cursor makes).
void ReserveCursor(RecurrenceCursor& cursor, std::size_t batch);
void BeginRecurrence(const DirectionJob& job, RecurrenceCursor& cursor);
// Advances every running sequence by processing step s, for columns [col_begin, col_end).
void AdvanceRecurrence(const DirectionJob& job, RecurrenceCursor& cursor, std::size_t s, std::size_t col_begin,
                       std::size_t col_end);
// Zeroes the rows past each sequence's length and writes hn, for columns [col_begin, col_end).
void FinishRecurrence(const DirectionJob& job, const RecurrenceCursor& cursor, std::size_t col_begin,
                      std::size_t col_end);

// Sequences by decreasing length (stable), so those running at step s form a prefix.
void SortByLength(const int32_t* lengths, std::size_t batch, std::vector<int32_t>& order);

}  // namespace vrnn
