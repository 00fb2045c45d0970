// The yearly schedule and the run loop (docs/model.md section 2.2).
#include "models/model.hpp"
#include "models/invariants.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "engine/error.hpp"
#include "engine/parallel.hpp"
#include "engine/schedule.hpp"
#include "models/phases.hpp"
#include "models/state.hpp"

namespace nisim::hk {

namespace {

Schedule<State, Params> make_schedule() {
  Schedule<State, Params> s;
  s.shock_point()                                         // scenario shocks set parameters
      .phase("set_environment", set_environment)          // wage, GDP path, rents, grant terms
      .phase("update_firms", update_firms)                // TFP, L, K, VA, cash, line plans, exit
      .phase("clear_markets", clear_markets)              // sector prices meet demand (3.9)
      .phase("allocate_floor", allocate_floor)            // floor space within supply by site
      .phase("staff_and_knowledge", staff_and_knowledge)  // talent pool, RTH, NITTP, ESS
      .phase("fund_lines", fund_lines)                    // NIFS applications, approvals, lines
      .phase("attract_enterprises", attract_enterprises)  // strategic enterprises and NIAS
      .phase("start_ventures", start_ventures)            // start-up births, new funds
      .phase("venture_rounds", venture_rounds)            // rounds asked, cleared, applied
      .phase("venture_outcomes", venture_outcomes)        // exits, fees, distributions
      .phase("graduate_startups", graduate_startups)      // start-ups become manufacturers
      .phase("account_firms", account_firms)              // sums by sector and site
      .phase("remove_exits", remove_exits)                // exits leave (their projects lapse)
      .phase("enter_firms", enter_firms)                  // entrants join where there is space
      .phase("account_macro", account_macro)              // GDP, the share, wider shares
      .phase("update_knowledge", update_knowledge)        // R&D and trained stocks, TFP bonus
      .phase("record_year", record_year);                 // one row of output
  return s;
}

/// Run-time invariant (docs/model.md section 2.2): every aggregate is finite after the step.
/// Cheap: a handful of sums. Only when one fails is the firm table scanned, to name the phase
/// that produced the value and the first firm (by id) that holds it.
void check_finite(const State& st) {
  const auto fail = [&](const std::string& phase, const std::string& what) {
    throw ModelError("year " + std::to_string(st.year) + ", phase " + phase + ": " + what +
                     " is not finite (NaN or infinity); check the scenario's growth paths and "
                     "firm parameters");
  };
  if (!std::isfinite(st.macro.wage)) fail("set_environment", "the wage");
  if (!std::isfinite(st.macro.nonmfg_va)) fail("set_environment", "non-manufacturing value added");
  const double sums[] = {st.macro.gdp, st.macro.mfg_va, st.totals.cash, st.totals.capital};
  if (std::all_of(std::begin(sums), std::end(sums), [](double v) { return std::isfinite(v); })) {
    return;
  }
  const FirmTable& f = st.firms;
  const std::pair<const char*, const Column<double>*> columns[] = {
      {"log_tfp", &f.log_tfp}, {"employment", &f.employment},
      {"capital", &f.capital}, {"value_added", &f.value_added},
      {"cash", &f.cash},       {"floor_space", &f.floor_space}};
  for (std::size_t i = 0; i < f.id.size(); ++i) {
    for (const auto& [name, column] : columns) {
      if (!std::isfinite((*column)[i])) {
        fail("update_firms", "firm " + std::to_string(f.id[i]) + " (sector " +
                                 std::string(k_sector_names[f.sector[i]]) + "): " + name + " = " +
                                 std::to_string((*column)[i]));
      }
    }
  }
  fail("account_macro", "GDP or manufacturing value added");
}

}  // namespace

std::vector<std::string> phase_names() {
  return make_schedule().names();
}

Params validate(const Scenario& scenario) {
  return params_from(scenario);
}

struct Simulation::Impl {
  Impl(const Scenario& sc, const RunOptions& options)
      : scenario(sc),
        params(load(sc, options)),
        parallel(options.threads),
        state(parallel, static_cast<std::uint64_t>(params.seed)) {
    result.params = params;
    result.seed = static_cast<std::uint64_t>(params.seed);
    result.threads = parallel.threads();
    const auto t0 = std::chrono::steady_clock::now();
    initialise(state, params);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  static Params load(const Scenario& sc, const RunOptions& options) {
    Params p = params_from(sc);
    if (options.seed) p.seed = static_cast<std::int64_t>(*options.seed);
    return p;
  }

  Scenario scenario;  // a copy: callers may pass a temporary (found by ASan)
  Params params;      // shocks change this copy
  Parallel parallel;
  State state;
  Schedule<State, Params> schedule = make_schedule();
  RunResult result;
  double seconds = 0.0;
};

Simulation::Simulation(const Scenario& scenario, const RunOptions& options)
    : impl_(std::make_unique<Impl>(scenario, options)) {}
Simulation::~Simulation() = default;

bool Simulation::done() const {
  return impl_->state.year >= impl_->params.horizon;
}
const State& Simulation::state() const {
  return impl_->state;
}
const Params& Simulation::params() const {
  return impl_->params;
}

void Simulation::step() {
  Impl& m = *impl_;
  if (done()) throw std::logic_error("Simulation::step: the horizon is reached");
  const auto t0 = std::chrono::steady_clock::now();
  const int year = m.state.year + 1;
  m.state.year = year;
  const BindFn bind = [&m](ParamBinder& b) { bind_params(m.params, b); };
  m.schedule.run_year(m.state, m.params, year, m.scenario.shocks, bind);
  check_finite(m.state);
  check_identities(m.state);  // models/invariants.hpp
  if (costly_checks_enabled()) check_firm_stocks(m.state);
  m.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

RunResult Simulation::finish() {
  Impl& m = *impl_;
  m.result.seconds = m.seconds;
  m.result.history = std::move(m.state.history);
  m.result.phase_names = m.schedule.names();
  m.result.phase_seconds = m.schedule.seconds();
  return std::move(m.result);
}

RunResult run(const Scenario& scenario, const RunOptions& options) {
  Simulation sim(scenario, options);
  while (!sim.done()) sim.step();
  return sim.finish();
}

}  // namespace nisim::hk
