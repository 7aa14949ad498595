// The threads the kernel computes on: a process-wide budget of busy threads and a persistent pool
// of helpers. Every forward call, from the main thread, a libuv worker or a worker_thread, takes at
// least one slot of the budget before computing, so the busy threads never exceed the budget however
// many calls run at once; a call that gets more slots borrows that many helpers from the pool.
// This is the once-only process state: one budget and one set of helpers per process, created on
// first use.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vrnn {

class ComputeThreads;

// The right to compute on threads() threads, held from Lease() until destruction.
class ComputeLease {
 public:
  ComputeLease(ComputeLease&& other) noexcept;
  ComputeLease(const ComputeLease&) = delete;
  ComputeLease& operator=(const ComputeLease&) = delete;
  ~ComputeLease();

  int threads() const { return slots_; }
  // Runs task(thread_index, threads()) on the caller as thread 0, and on each leased helper that
  // starts before the caller's task returns; the others never run it. So a task claims its work
  // as it goes, and waits for another index only once that index has started.
  void Run(const std::function<void(int, int)>& task);

 private:
  friend class ComputeThreads;
  ComputeLease(ComputeThreads* owner, int slots, std::unique_lock<std::mutex> helpers);
  ComputeThreads* owner_;
  int slots_;
  std::unique_lock<std::mutex> helpers_;
};

class ComputeThreads {
 public:
  static ComputeThreads& Instance();

  // The budget: how many threads may compute at once in this process (>= 1).
  int max_threads() const { return max_threads_.load(); }
  void set_max_threads(int threads);

  // Blocks until one budget slot is free, then takes as many more as are free (at most wanted);
  // only one while other calls are queued, so that under load calls run side by side, each on
  // one thread, rather than one at a time on all of them (no barriers: better throughput).
  ComputeLease Lease(int wanted);

  // Calls queued to compute later (async calls waiting for a libuv thread) count from
  // NoteQueued() until NoteDequeued(), called once each.
  void NoteQueued() { queued_calls_.fetch_add(1); }
  void NoteDequeued() { queued_calls_.fetch_sub(1); }

 private:
  friend class ComputeLease;
  ComputeThreads();
  ~ComputeThreads();
  int AcquireSlots(int wanted);
  void ReleaseSlots(int slots);
  void RunOnHelpers(int helpers, const std::function<void(int, int)>& task, int thread_count);
  void SpinForNextJob(long seen);
  void HelperLoop();

  std::atomic<int> max_threads_;
  std::mutex mutex_;
  std::condition_variable slot_freed_;
  std::atomic<int> busy_slots_{0};
  std::atomic<int> queued_calls_{0};
  int waiters_ = 0;  // guarded by mutex_

  // The helpers serve one multi-threaded call at a time (guarded by helpers_busy_).
  std::mutex helpers_busy_;
  std::mutex job_mutex_;
  std::condition_variable job_ready_;
  std::condition_variable job_done_;
  std::vector<std::thread> helpers_;
  const std::function<void(int, int)>* job_ = nullptr;
  int job_threads_ = 0;
  int job_next_index_ = 0;
  std::atomic<int> job_unfinished_{0};
  std::atomic<long> job_generation_{0};
  std::atomic<bool> job_running_{false};  // from a job's start until its lease has released its slots
  bool stopping_ = false;
};

}  // namespace vrnn
