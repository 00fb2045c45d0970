#pragma once
// The yearly step as one ordered list of named phases. A phase is a free function over the
// model state and its parameters; one fixed point in the list (`shock_point`) is where the
// scenario's shocks for that year change parameters (docs/model.md section 2.2).
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/scenario.hpp"

namespace nisim {

template <class State, class Params>
class Schedule {
 public:
  using PhaseFn = void (*)(State&, const Params&);

  /// Append a phase named `name` (shown in timings and in error messages).
  Schedule& phase(std::string name, PhaseFn fn) {
    if (fn == nullptr) throw std::logic_error("Schedule::phase: null function for " + name);
    phases_.push_back({std::move(name), fn});
    return *this;
  }

  /// Append the point where the year's shocks set parameters. Exactly once per schedule.
  Schedule& shock_point() {
    for (const auto& p : phases_) {
      if (p.fn == nullptr) throw std::logic_error("Schedule: shock point added twice");
    }
    phases_.push_back({"apply_shocks", nullptr});
    return *this;
  }

  /// Run one year: every phase in order. `bind` binds `params` (for shocks); `shocks` are the
  /// scenario's, sorted by year; those with shock.year == year are applied at the shock point.
  void run_year(State& state, Params& params, int year, const std::vector<Shock>& shocks,
                const BindFn& bind) {
    seconds_.resize(phases_.size(), 0.0);
    for (std::size_t k = 0; k < phases_.size(); ++k) {
      const auto t0 = std::chrono::steady_clock::now();
      if (phases_[k].fn == nullptr) {
        for (const Shock& s : shocks) {
          if (s.year == year) set_param(bind, s.key, s.value, s.pos);
        }
      } else {
        phases_[k].fn(state, params);
      }
      seconds_[k] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
  }

  /// Phase names in order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& p : phases_) out.push_back(p.name);
    return out;
  }

  /// Wall seconds spent in each phase so far (same order as names()); for profiling only,
  /// never written to results.
  const std::vector<double>& seconds() const { return seconds_; }

 private:
  struct Phase {
    std::string name;
    PhaseFn fn;  // nullptr marks the shock point
  };
  std::vector<Phase> phases_;
  std::vector<double> seconds_;
};

}  // namespace nisim
