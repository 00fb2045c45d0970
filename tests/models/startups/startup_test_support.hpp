#pragma once
// A stand-in for the funds side and a yearly driver for the start-up tests. The stand-in is
// test-only: every round request is funded with a fixed probability, all money from outside.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "engine/rng.hpp"
#include "engine/table.hpp"
#include "models/startups/startups.hpp"

namespace nisim::hk::test {

/// Purpose of the stand-in's funding draw (inside the module's 100-149 range, unused by it).
inline constexpr Purpose k_standin_funding = 149;

/// Clear rounds as a stand-in funds side: funded with probability `funded`.
inline void clear_rounds(const std::vector<RoundRequest>& requests, int year, const Rng& rng,
                         double funded, std::vector<RoundOutcome>& outcomes) {
  outcomes.clear();
  for (const RoundRequest& r : requests) {
    RoundOutcome o;
    o.funded = rng.uniform(year, r.startup_id, k_standin_funding) < funded;
    o.from_outside = o.funded ? r.amount : 0.0;
    outcomes.push_back(o);
  }
}

struct DriverOptions {
  double funded = 0.6;  ///< stand-in probability that a round is funded
  bool accept_graduates = true;
  bool check_identity = true;  ///< EXPECT the count identity every year
};

/// Run years [first, last] of the start-up schedule on `sys` (already initialised), recording
/// each year into `h`.
inline void run_startups(StartupSystem& sys, const StartupParams& p, const Rng& rng, int first,
                         int last, StartupHistory& h, const DriverOptions& opt = {}) {
  std::vector<RoundRequest> requests;
  std::vector<RoundOutcome> outcomes;
  std::vector<StartupExit> exits;
  std::vector<Graduate> graduates;
  std::vector<std::uint64_t> accepted;
  for (int year = first; year <= last; ++year) {
    startup_births(sys, year, p, rng);
    request_rounds(sys, year, p, rng, requests);
    clear_rounds(requests, year, rng, opt.funded, outcomes);
    apply_rounds(sys, requests, outcomes, year, p);
    startup_outcomes(sys, year, p, rng, exits);
    propose_graduates(sys, year, p, rng, graduates);
    accepted.clear();
    if (opt.accept_graduates) {
      for (const Graduate& g : graduates) accepted.push_back(g.startup_id);
    }
    graduate(sys, accepted);
    record_startups(sys, year, h);
    if (opt.check_identity) {
      std::int64_t births = 0, exited = 0;
      for (auto b : sys.births) births += b;
      for (auto e : sys.exits) exited += e;
      EXPECT_EQ(static_cast<std::int64_t>(rows(sys.table)),
                sys.count_start + births - exited - sys.graduates)
          << "year " << year;
      EXPECT_EQ(exited, static_cast<std::int64_t>(exits.size())) << "year " << year;
    }
  }
}

/// Initialise at `base` and run to `last`; returns the history (base year recorded first).
inline StartupHistory simulate(StartupSystem& sys, const StartupParams& p, std::uint64_t seed,
                               int base, int last, const DriverOptions& opt = {}) {
  const Rng rng(seed);
  StartupHistory h;
  initialise_startups(sys, p, base, rng);
  record_startups(sys, base, h);
  run_startups(sys, p, rng, base + 1, last, h, opt);
  return h;
}

}  // namespace nisim::hk::test
