// Running a batch's jobs on threads and MPI ranks (engine/jobs.hpp; docs/cluster.md).
#include "engine/jobs.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

#include "engine/error.hpp"
#include "engine/tsan.hpp"

#ifdef NISIM_WITH_MPI
// The C API only: OpenMPI's deprecated C++ bindings would need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1   // NOLINT(cppcoreguidelines-macro-usage): read by mpi.h
#define MPICH_SKIP_MPICXX 1  // NOLINT(cppcoreguidelines-macro-usage): read by mpi.h
#include <mpi.h>
#endif

namespace nisim {

namespace {

/// The world, set once by MpiSession at start-up, before any other thread exists.
World g_world;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

/// Ranks an MPI launcher started: 0 if not started by one (mpirun sets OMPI_COMM_WORLD_*, srun
/// sets PMIX_RANK or PMI_RANK for the tasks it launches, not for the batch script itself).
int launcher_size() {
  const auto get = [](const char* var) -> const char* {
    const char* v = std::getenv(var);  // NOLINT(concurrency-mt-unsafe): at start-up, one thread
    return v != nullptr && *v != '\0' ? v : nullptr;
  };
  if (get("OMPI_COMM_WORLD_SIZE") == nullptr && get("PMIX_RANK") == nullptr &&
      get("PMI_RANK") == nullptr) {
    return 0;
  }
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS"}) {
    if (const char* v = get(var)) return std::max(1, static_cast<int>(std::strtol(v, nullptr, 10)));
  }
  return 1;
}

/// Hands out jobs: pending[next...] in order, `n` at a time.
struct Dispenser {
  const std::vector<std::uint64_t>& pending;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::size_t take(std::size_t n, std::size_t& begin) {
    begin = next.fetch_add(n);
    if (stop.load() || begin >= pending.size()) return 0;
    return std::min(n, pending.size() - begin);
  }
};

/// Rank 0's own threads: each takes one job at a time until none is left.
std::size_t run_local(Dispenser& d, std::size_t values_per_job, oneapi::tbb::task_arena& arena,
                      const JobFn& compute,
                      const std::function<void(std::uint64_t, std::span<const double>)>& put) {
  std::atomic<std::size_t> ran{0};
  // A failure is caught inside the task and rethrown after the loop, so the loop always ends
  // normally and its hand-off back to this thread is visible to ThreadSanitizer.
  std::mutex failure_lock;
  std::exception_ptr failure;
  const auto slots = [&](std::size_t first, std::size_t last) {
    for (std::size_t slot = first; slot != last; ++slot) {
      std::vector<double> values(values_per_job);
      std::size_t begin = 0;
      while (d.take(1, begin) == 1) {
        try {
          compute(d.pending[begin], values);
          put(d.pending[begin], values);
        } catch (...) {
          d.stop.store(true);  // the other threads (and the dispenser) take no more jobs
          const std::lock_guard guard(failure_lock);
          if (!failure) failure = std::current_exception();
          return;
        }
        ran.fetch_add(1);
      }
    }
  };
  tsan::Handoff handoff;  // engine/tsan.hpp: TBB's hand-offs made visible to ThreadSanitizer
  const tsan::TaskBody body(handoff, slots);
  handoff.publish();
  arena.execute([&] {
    const auto n = static_cast<std::size_t>(arena.max_concurrency());
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::size_t>(0, n, 1), body,
                              oneapi::tbb::simple_partitioner());
  });
  handoff.join();
  if (failure) std::rethrow_exception(failure);
  return ran.load();
}

#ifdef NISIM_WITH_MPI
constexpr int k_tag_results = 1;  ///< worker -> 0: [jobs wanted, (job, values...)*] as doubles
constexpr int k_tag_jobs = 2;     ///< 0 -> worker: job indices; none means no more work

/// Rank 0's dispenser thread: answers each worker's message (results of its last jobs and a
/// request for more) with its next jobs, until every worker has been told there are none.
void serve(Dispenser& d, std::size_t values_per_job,
           const std::function<void(std::uint64_t, std::span<const double>)>& put,
           std::exception_ptr& error) {
  try {
    int finished = 0;
    std::vector<double> in;
    std::vector<unsigned long long> out;
    while (finished < g_world.size - 1) {
      int flag = 0;
      MPI_Status st;
      MPI_Iprobe(MPI_ANY_SOURCE, k_tag_results, MPI_COMM_WORLD, &flag, &st);
      if (flag == 0) {
        if (d.stop.load()) return;  // rank 0 failed: stop serving; the caller aborts
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
      int count = 0;
      MPI_Get_count(&st, MPI_DOUBLE, &count);
      in.resize(static_cast<std::size_t>(count));
      MPI_Recv(in.data(), count, MPI_DOUBLE, st.MPI_SOURCE, k_tag_results, MPI_COMM_WORLD,
               MPI_STATUS_IGNORE);
      const std::size_t stride = 1 + values_per_job;
      for (std::size_t k = 1; k + stride <= in.size(); k += stride) {
        put(static_cast<std::uint64_t>(in[k]), std::span<const double>(&in[k + 1], values_per_job));
      }
      std::size_t begin = 0;
      const std::size_t n = d.take(static_cast<std::size_t>(in.at(0)), begin);
      out.assign(d.pending.begin() + static_cast<std::ptrdiff_t>(begin),
                 d.pending.begin() + static_cast<std::ptrdiff_t>(begin + n));
      MPI_Send(out.data(), static_cast<int>(out.size()), MPI_UNSIGNED_LONG_LONG, st.MPI_SOURCE,
               k_tag_jobs, MPI_COMM_WORLD);
      if (n == 0) ++finished;
    }
  } catch (...) {
    error = std::current_exception();
    d.stop.store(true);
  }
}

/// A worker rank: ask rank 0 for as many jobs as it has threads, run them, send the results
/// with the next request, until rank 0 answers with none.
std::size_t run_worker(std::size_t values_per_job, oneapi::tbb::task_arena& arena,
                       const JobFn& compute) {
  const auto want = static_cast<std::size_t>(arena.max_concurrency());
  const std::size_t stride = 1 + values_per_job;
  std::vector<double> outbox{static_cast<double>(want)};
  std::vector<unsigned long long> jobs;
  std::size_t ran = 0;
  for (;;) {
    MPI_Send(outbox.data(), static_cast<int>(outbox.size()), MPI_DOUBLE, 0, k_tag_results,
             MPI_COMM_WORLD);
    MPI_Status st;
    MPI_Probe(0, k_tag_jobs, MPI_COMM_WORLD, &st);
    int count = 0;
    MPI_Get_count(&st, MPI_UNSIGNED_LONG_LONG, &count);
    jobs.resize(static_cast<std::size_t>(count));
    MPI_Recv(jobs.data(), count, MPI_UNSIGNED_LONG_LONG, 0, k_tag_jobs, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    if (jobs.empty()) return ran;
    outbox.assign(1 + jobs.size() * stride, 0.0);
    outbox[0] = static_cast<double>(want);
    std::mutex failure_lock;
    std::exception_ptr failure;
    const auto run_some = [&](std::size_t first, std::size_t last) {
      std::vector<double> values(values_per_job);
      for (std::size_t k = first; k != last; ++k) {
        try {
          compute(jobs[k], values);
        } catch (...) {  // rethrown after the loop, as in run_local
          const std::lock_guard guard(failure_lock);
          if (!failure) failure = std::current_exception();
          return;
        }
        double* slot = &outbox[1 + k * stride];
        slot[0] = static_cast<double>(jobs[k]);  // exact: job indices are below 2^53
        std::copy(values.begin(), values.end(), slot + 1);
      }
    };
    tsan::Handoff handoff;
    const tsan::TaskBody body(handoff, run_some);
    handoff.publish();
    arena.execute([&] {
      oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::size_t>(0, jobs.size(), 1), body,
                                oneapi::tbb::simple_partitioner());
    });
    handoff.join();
    if (failure) std::rethrow_exception(failure);
    ran += jobs.size();
  }
}
#endif

}  // namespace

const World& world() {
  return g_world;
}

bool built_with_mpi() {
#ifdef NISIM_WITH_MPI
  return true;
#else
  return false;
#endif
}

MpiSession::MpiSession([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
  const int launched = launcher_size();
#ifdef NISIM_WITH_MPI
  if (launched == 0) return;
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  g_world.mpi = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_world.size);
  if (provided < MPI_THREAD_SERIALIZED && g_world.size > 1) {
    if (g_world.rank == 0) {
      std::fprintf(stderr,
                   "nisim: error: this MPI library does not support "
                   "MPI_THREAD_SERIALIZED, which nisim batch needs\n");
    }
    MPI_Abort(MPI_COMM_WORLD, static_cast<int>(ExitCode::usage));
  }
#else
  if (launched > 1) {
    throw Error(ExitCode::usage,
                "this nisim was built without MPI (CMake option NISIM_WITH_MPI), so " +
                    std::to_string(launched) +
                    " ranks would each run the whole batch; rebuild with libopenmpi-dev "
                    "installed, or run without mpirun");
  }
#endif
}

MpiSession::~MpiSession() {
#ifdef NISIM_WITH_MPI
  if (g_world.mpi) MPI_Finalize();
#endif
}

void MpiSession::abort_all([[maybe_unused]] int code) {
#ifdef NISIM_WITH_MPI
  if (g_world.mpi && g_world.size > 1) MPI_Abort(MPI_COMM_WORLD, code);
#endif
}

std::vector<std::size_t> run_jobs(const std::vector<std::uint64_t>& pending,
                                  std::size_t values_per_job, oneapi::tbb::task_arena& arena,
                                  const JobFn& compute, const RecordFn& record) {
#ifdef NISIM_WITH_MPI
  if (g_world.size > 1 && g_world.rank != 0) {
    unsigned long long ran = run_worker(values_per_job, arena, compute);
    MPI_Gather(&ran, 1, MPI_UNSIGNED_LONG_LONG, nullptr, 0, MPI_UNSIGNED_LONG_LONG, 0,
               MPI_COMM_WORLD);
    return {static_cast<std::size_t>(ran)};
  }
#endif
  Dispenser d{pending};
  std::mutex lock;
  const auto put = [&](std::uint64_t job, std::span<const double> values) {
    const std::lock_guard guard(lock);
    record(job, values);
  };
  std::exception_ptr served_error;
#ifdef NISIM_WITH_MPI
  std::thread server;
  if (g_world.size > 1) {
    server = std::thread([&] { serve(d, values_per_job, put, served_error); });
  }
#endif
  std::size_t ran = 0;
  std::exception_ptr local_error;
  try {
    ran = run_local(d, values_per_job, arena, compute, put);
  } catch (...) {
    local_error = std::current_exception();
    d.stop.store(true);
  }
#ifdef NISIM_WITH_MPI
  if (server.joinable()) server.join();
#endif
  if (local_error) std::rethrow_exception(local_error);
  if (served_error) std::rethrow_exception(served_error);
  std::vector<std::size_t> by_rank{ran};
#ifdef NISIM_WITH_MPI
  if (g_world.size > 1) {
    std::vector<unsigned long long> counts(static_cast<std::size_t>(g_world.size));
    unsigned long long mine = ran;
    MPI_Gather(&mine, 1, MPI_UNSIGNED_LONG_LONG, counts.data(), 1, MPI_UNSIGNED_LONG_LONG, 0,
               MPI_COMM_WORLD);
    by_rank.assign(counts.begin(), counts.end());
  }
#endif
  return by_rank;
}

}  // namespace nisim
