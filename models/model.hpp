#pragma once
// Running the Hong Kong model: scenario in, history out, HDF5 file written atomically.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/hdf5.hpp"
#include "engine/scenario.hpp"
#include "models/history.hpp"
#include "models/params.hpp"

namespace nisim::hk {

struct State;

struct RunOptions {
  std::optional<std::uint64_t> seed;  ///< overrides run.seed
  int threads = 0;                    ///< 0 = all hardware threads
};

struct RunResult {
  Params params;           ///< parameters as loaded (before any shock)
  History history;         ///< one row per year, base year first
  std::uint64_t seed = 0;  ///< seed actually used
  int threads = 0;         ///< threads actually used
  double seconds = 0.0;    ///< wall time of the simulation (not of writing)
  std::vector<std::string> phase_names;
  std::vector<double> phase_seconds;
};

/// A run in progress: base year initialised on construction, one year per step(). Lets tests
/// and tools inspect the state between years; run() is a loop over it.
class Simulation {
 public:
  Simulation(const Scenario& scenario, const RunOptions& options);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Simulate the next year (set its phases running in schedule order). Precondition: !done().
  void step();
  bool done() const;
  const State& state() const;
  const Params& params() const;  ///< current parameters (after shocks so far)
  /// Move the result out (history, timings); the simulation is finished after this.
  RunResult finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Names of the phases of the yearly step, in order (docs/model.md section 2.2).
std::vector<std::string> phase_names();

/// Validate a scenario completely (parameters and shocks) without running it.
Params validate(const Scenario& scenario);

/// Simulate a scenario from its base year to its horizon.
RunResult run(const Scenario& scenario, const RunOptions& options);

/// Write the policy datasets of a history (sites, schemes, named series) under `root`.
void write_policy_history(const h5::Location& root, const History& history);

/// Write a run to `out` atomically (docs/output.md). Without `force` an existing file is an
/// IoError and is left untouched.
void write_run(const RunResult& result, const Scenario& scenario, const std::filesystem::path& out,
               bool force);

}  // namespace nisim::hk
