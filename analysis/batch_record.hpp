#pragma once
// The record of one batch run (docs/batches.md "Output"): every per-run variable's yearly
// series, then the run's projection of every government indicator (section 7.2). A batch
// writes it to its rows and its journal (engine/journal.hpp), and checks it the same way
// whether it was just computed or replayed from a journal. The variables are the defaults every
// batch records, then those its [[record]] tables name (docs/batches.md "Recording more series").
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "engine/batch_file.hpp"
#include "models/history.hpp"

namespace nisim::hk {

/// A per-run series written for every replication: name, units, long name, how to get its
/// values from a run's history, and whether every run records it (else it is all NaN in runs
/// without the mechanism).
struct BatchVariable {
  std::string name;
  std::string units;
  std::string long_name;
  std::function<std::vector<double>(const History&)> get;
  bool always = true;
};

/// The per-run variables every batch records, in record order.
std::span<const BatchVariable> batch_variables();

/// The variables of a batch: batch_variables(), then one per [[record]] entry, in file order.
/// A name must be a per-year series of a run file (a dataset with dims (year): docs/output.md)
/// that one of `runs` (a run of each scenario of the batch) holds and that every batch does not
/// already record; else a ScenarioError naming the entry's line, with the nearest name.
std::vector<BatchVariable> record_variables(const std::vector<RecordSeries>& extra,
                                            const std::vector<const History*>& runs);

/// Doubles in the record of a run over `years` years.
std::size_t record_size(std::size_t years,
                        std::span<const BatchVariable> variables = batch_variables());

/// The record of a finished run.
std::vector<double> run_record(const History& h,
                               std::span<const BatchVariable> variables = batch_variables());

/// ModelError (exit 5) naming `what` (scenario and replication) unless `values` could come
/// from a run over `years`: no infinity; no NaN in a variable every run records; a variable
/// other runs may lack is all NaN or all finite; an indicator read from a per-run variable
/// equals that variable in its target year.
void check_run_record(std::span<const double> values, const std::vector<std::int32_t>& years,
                      const std::string& what,
                      std::span<const BatchVariable> variables = batch_variables());

}  // namespace nisim::hk
