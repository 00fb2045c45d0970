#pragma once
// The scenarios a batch runs (analysis/batch.cpp): its [[scenario]] files, a sweep's design
// points or a cross's scenarios at every design point, loaded and validated before anything
// runs (docs/batches.md sections 1, 6 and 11).
#include <vector>

#include "analysis/batch_sweep.hpp"
#include "engine/batch_file.hpp"
#include "engine/scenario.hpp"
#include "models/params.hpp"

namespace nisim::hk::batch_detail {

/// One scenario of a batch as it runs: its entry (name, file, position), the scenario with the
/// --set overrides (and a point's values) applied, and its resolved parameters.
struct LoadedScenario {
  BatchScenario entry;
  Scenario scenario;
  Params params;
};

/// The scenarios of a batch: its [[scenario]] files, or one scenario per design point of its
/// sweep (the base scenario with the swept keys set; integer keys rounded), or one per scenario
/// and design point of its cross (scenario s at point p is entry s * P + p). `design` receives
/// the scaled design points of a sweep or cross. ScenarioError (nothing has run) for a target
/// file, a bad key or a value out of range.
std::vector<LoadedScenario> load_scenarios(const Batch& batch, Points& design);

}  // namespace nisim::hk::batch_detail
