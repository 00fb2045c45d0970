#pragma once
// The record of one batch run (docs/batches.md "Output"): every per-run variable's yearly
// series, then the run's projection of every government indicator (section 7.2). A batch
// writes it to its rows and its journal (engine/journal.hpp), and checks it the same way
// whether it was just computed or replayed from a journal.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/history.hpp"

namespace nisim::hk {

/// A per-run series written for every replication: name, units, long name, how to get its
/// values from a run's history, and whether every run records it (else it is all NaN in runs
/// without the mechanism).
struct BatchVariable {
  const char* name = nullptr;
  const char* units = nullptr;
  const char* long_name = nullptr;
  std::vector<double> (*get)(const History&) = nullptr;
  bool always = true;
};

/// The per-run variables, in record order.
std::span<const BatchVariable> batch_variables();

/// Doubles in the record of a run over `years` years.
std::size_t record_size(std::size_t years);

/// The record of a finished run.
std::vector<double> run_record(const History& h);

/// ModelError (exit 5) naming `what` (scenario and replication) unless `values` could come
/// from a run over `years`: no infinity; no NaN in a variable every run records; a variable
/// other runs may lack is all NaN or all finite; an indicator read from a per-run variable
/// equals that variable in its target year.
void check_run_record(std::span<const double> values, const std::vector<std::int32_t>& years,
                      const std::string& what);

}  // namespace nisim::hk
