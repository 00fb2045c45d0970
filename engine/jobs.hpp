#pragma once
// Running a batch's jobs: on the threads of one process, or across the ranks of an MPI job
// (`mpirun -n N nisim batch ...`, docs/cluster.md) with dynamic load balancing: rank 0 hands out
// jobs, an idle rank asks for the next ones, and every result comes back to rank 0, which alone
// records them (journal and HDF5 file). Within a rank, oneTBB threads run one job each.
//
// A job's result depends only on its index (counter-based random numbers keyed by the job), so
// which rank or thread runs it changes nothing: the output is the same for any rank count.
#include <oneapi/tbb/task_arena.h>

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace nisim {

/// The processes of this program: one, or the ranks of MPI_COMM_WORLD.
struct World {
  int rank = 0;
  int size = 1;
  bool mpi = false;  ///< MPI was initialised (launched by mpirun in an MPI build)
};

/// The world set up by MpiSession (a single process until then).
const World& world();

/// True if this program was built with MPI (CMake option NISIM_WITH_MPI).
bool built_with_mpi();

/// Initialises MPI for the program's lifetime if it was launched by an MPI launcher (mpirun,
/// srun) and built with MPI; otherwise does nothing. Without MPI support but launched with
/// more than one rank, refuses (ranks would overwrite each other's output).
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  ~MpiSession();  ///< MPI_Finalize
  /// Stop every rank with exit code `code` (MPI_Abort) if more than one rank runs; else return.
  static void abort_all(int code);
};

/// Computes job `job` into `values` (already sized to values_per_job).
using JobFn = std::function<void(std::uint64_t job, std::vector<double>& values)>;
/// Receives a finished job on rank 0. Calls are serialised (never concurrent).
using RecordFn = std::function<void(std::uint64_t job, std::span<const double> values)>;

/// Run every job in `pending` (read on rank 0; other ranks may pass an empty list) across the
/// ranks of world() and the threads of `arena` in each rank. `record` is called on rank 0 once
/// per job, in completion order. An exception from `compute` or `record` stops this rank's
/// jobs and is rethrown (in an MPI job the caller then aborts every rank). Returns, on rank 0,
/// the number of jobs each rank computed (index = rank); on other ranks, their own count only.
std::vector<std::size_t> run_jobs(const std::vector<std::uint64_t>& pending,
                                  std::size_t values_per_job, oneapi::tbb::task_arena& arena,
                                  const JobFn& compute, const RecordFn& record);

}  // namespace nisim
