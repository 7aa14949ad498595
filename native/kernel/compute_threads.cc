#include "compute_threads.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>

#include "spin_wait.h"

namespace vrnn {
namespace {

constexpr auto kSpinTime = std::chrono::microseconds(100);
// A yield that takes this long ran another thread: this core is wanted by someone else.
constexpr auto kContendedYield = std::chrono::microseconds(20);

int DefaultThreads() {
  if (const char* env = std::getenv("VANILLA_RNN_NUM_THREADS")) {
    const int threads = std::atoi(env);
    if (threads >= 1) return threads;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

ComputeThreads& ComputeThreads::Instance() {
  // Intentionally never destroyed: helpers may still be parked when the process exits.
  static ComputeThreads* instance = new ComputeThreads();
  return *instance;
}

ComputeThreads::ComputeThreads() : max_threads_(DefaultThreads()) {}

ComputeThreads::~ComputeThreads() {
  {
    std::lock_guard<std::mutex> lock(job_mutex_);
    stopping_ = true;
  }
  job_ready_.notify_all();
  for (std::thread& helper : helpers_) helper.join();
}

void ComputeThreads::set_max_threads(int threads) {
  max_threads_.store(std::max(1, threads));
  std::lock_guard<std::mutex> lock(mutex_);
  slot_freed_.notify_all();
}

int ComputeThreads::AcquireSlots(int wanted) {
  // Fast path without the mutex: one slot when one is free (every small call takes this).
  if (wanted == 1) {
    int busy = busy_slots_.load();
    while (busy < max_threads_.load()) {
      if (busy_slots_.compare_exchange_weak(busy, busy + 1)) return 1;
    }
  }
  std::unique_lock<std::mutex> lock(mutex_);
  ++waiters_;
  int slots = 0;
  slot_freed_.wait(lock, [&] {
    int busy = busy_slots_.load();
    while (busy < max_threads_.load()) {
      const int take = std::max(1, std::min(wanted, max_threads_.load() - busy));
      if (busy_slots_.compare_exchange_weak(busy, busy + take)) {
        slots = take;
        return true;
      }
    }
    return false;
  });
  --waiters_;
  return slots;
}

void ComputeThreads::ReleaseSlots(int slots) {
  busy_slots_.fetch_sub(slots);
  // Taking the mutex orders the release before a waiter's re-check, so no wake-up is lost.
  std::lock_guard<std::mutex> lock(mutex_);
  if (waiters_ > 0) slot_freed_.notify_all();
}

ComputeLease ComputeThreads::Lease(int wanted) {
  if (queued_calls_.load() > 0) wanted = 1;
  int slots = AcquireSlots(std::max(1, wanted));
  std::unique_lock<std::mutex> helpers(helpers_busy_, std::defer_lock);
  if (slots > 1 && !helpers.try_lock()) {
    // Another call has the helpers: compute alone and give the extra slots back at once.
    ReleaseSlots(slots - 1);
    slots = 1;
  }
  return ComputeLease(this, slots, std::move(helpers));
}

ComputeLease::ComputeLease(ComputeThreads* owner, int slots, std::unique_lock<std::mutex> helpers)
    : owner_(owner), slots_(slots), helpers_(std::move(helpers)) {}

ComputeLease::ComputeLease(ComputeLease&& other) noexcept
    : owner_(other.owner_), slots_(other.slots_), helpers_(std::move(other.helpers_)) {
  other.owner_ = nullptr;
}

ComputeLease::~ComputeLease() {
  if (owner_ == nullptr) return;
  owner_->ReleaseSlots(slots_);
  // After the release: a helper that sees the job end then sees this call's slots free.
  if (helpers_.owns_lock()) owner_->job_running_.store(false);
}

void ComputeLease::Run(const std::function<void(int, int)>& task) {
  if (slots_ > 1) owner_->RunOnHelpers(slots_ - 1, task, slots_);
  else task(0, 1);
}

void ComputeThreads::RunOnHelpers(int helpers, const std::function<void(int, int)>& task, int thread_count) {
  {
    std::lock_guard<std::mutex> lock(job_mutex_);
    while (static_cast<int>(helpers_.size()) < helpers) helpers_.emplace_back([this] { HelperLoop(); });
    job_ = &task;
    job_threads_ = thread_count;
    job_next_index_ = 1;
    job_unfinished_.store(helpers);
    job_running_.store(true);
    job_generation_.fetch_add(1);
  }
  job_ready_.notify_all();
  task(0, thread_count);
  {
    // A helper that has not started by now (its core is busy with another process, say) is not
    // waited for: the task claims its work as it goes, so this thread has done that helper's share.
    std::lock_guard<std::mutex> lock(job_mutex_);
    job_unfinished_.fetch_sub(job_threads_ - job_next_index_);
    job_next_index_ = job_threads_;
  }
  // The started threads leave the task within a barrier's time of each other: spin before sleeping.
  if (!SpinUntilFor([&] { return job_unfinished_.load() == 0; }, kSpinTime)) {
    std::unique_lock<std::mutex> lock(job_mutex_);
    job_done_.wait(lock, [&] { return job_unfinished_.load() == 0; });
  }
}

// A helper done early (it projected ahead of the recurrence) keeps its core until the call ends
// and a little after: a core left idle may be halted by a hypervisor, making the next call's
// wake-up cost more than the call (measured: 200 us on a 2-vCPU VM), and back-to-back calls are
// common (a service, a loop). It yields at every check and stops, to sleep, as soon as a yield
// shows that another thread wants the core (a busy neighbour, or this call's own thread): spinning
// beside it would take the core's time from the call, and the core will not be halted anyway. It
// also stops once the budget's cores are all computing (calls on libuv threads).
void ComputeThreads::SpinForNextJob(long seen) {
  using Clock = std::chrono::steady_clock;
  Clock::time_point deadline = Clock::time_point::max();
  for (;;) {
    if (job_generation_.load() != seen) return;
    const Clock::time_point now = Clock::now();
    if (!job_running_.load()) {
      if (busy_slots_.load() >= max_threads_.load()) return;
      if (deadline == Clock::time_point::max()) deadline = now + kSpinTime;
      else if (now > deadline) return;
    }
    std::this_thread::yield();
    if (Clock::now() - now > kContendedYield) return;
  }
}

void ComputeThreads::HelperLoop() {
  long seen = 0;
  for (;;) {
    SpinForNextJob(seen);
    std::unique_lock<std::mutex> lock(job_mutex_);
    job_ready_.wait(lock, [&] { return stopping_ || (job_generation_.load() != seen && job_next_index_ < job_threads_); });
    if (stopping_) return;
    seen = job_generation_.load();
    const int index = job_next_index_++;
    const std::function<void(int, int)>* task = job_;
    const int threads = job_threads_;
    lock.unlock();
    (*task)(index, threads);
    if (job_unfinished_.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> done(job_mutex_);
      job_done_.notify_all();
    }
  }
}

}  // namespace vrnn
