// The yearly schedule and the run loop (docs/model.md section 2.2).
#include "models/model.hpp"

#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/error.hpp"
#include "engine/parallel.hpp"
#include "engine/schedule.hpp"
#include "models/phases.hpp"
#include "models/state.hpp"

namespace nisim::hk {

namespace {

Schedule<State, Params> make_schedule() {
  Schedule<State, Params> s;
  s.shock_point()                                 // scenario shocks set parameters
      .phase("set_environment", set_environment)  // wage, non-manufacturing VA, grant terms
      .phase("update_firms", update_firms)        // TFP, L, K, VA, cash, smart lines, exit flag
      .phase("account_firms", account_firms)      // sums by sector and site
      .phase("remove_exits", remove_exits)        // exits leave the table
      .phase("enter_firms", enter_firms)          // entrants join the table
      .phase("account_macro", account_macro)      // GDP and the manufacturing share
      .phase("record_year", record_year);         // one row of output
  return s;
}

void check_finite(const State& st) {
  const double values[] = {st.macro.gdp, st.macro.mfg_va, st.macro.wage, st.totals.cash};
  for (double v : values) {
    if (!std::isfinite(v)) {
      throw ModelError("year " + std::to_string(st.year) +
                       ": a macro aggregate is not finite (NaN or infinity) after the yearly "
                       "step; check the scenario's growth paths and firm parameters");
    }
  }
}

}  // namespace

std::vector<std::string> phase_names() {
  return make_schedule().names();
}

Params validate(const Scenario& scenario) {
  return params_from(scenario);
}

std::uint64_t estimate_bytes(std::int64_t firms, std::int64_t years) {
  // Firm table with 25% head room, doubled while compacting/growing, plus per-year history.
  const double table = static_cast<double>(firms) * 1.25 * k_firm_row_bytes * 2.0;
  return static_cast<std::uint64_t>(table + static_cast<double>(years) * 4096.0 + 64e6);
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

  const Scenario& scenario;
  Params params;  // shocks change this copy
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
