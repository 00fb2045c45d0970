#include "engine/schedule.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nisim {
namespace {

struct S {
  std::vector<std::string> log;
  double seen_rate = 0.0;
};
struct P {
  double rate = 1.0;
};

void first(S& s, const P& p) {
  s.log.push_back("first");
  s.seen_rate = p.rate;
}
void second(S& s, const P&) {
  s.log.push_back("second");
}

}  // namespace

TEST(Schedule, RunsPhasesInOrderAndAppliesShocksAtTheShockPoint) {
  Schedule<S, P> sched;
  sched.phase("first", first).shock_point().phase("second", second);
  EXPECT_EQ(sched.names(), (std::vector<std::string>{"first", "apply_shocks", "second"}));

  S s;
  P p;
  const BindFn bind = [&p](ParamBinder& b) { b.real("rate", p.rate, {"", 0.0, 10.0, ""}); };
  std::vector<Shock> shocks{{2021, "rate", 5.0, {"x.toml", 3, 1}}};
  sched.run_year(s, p, 2020, shocks, bind);
  EXPECT_EQ(p.rate, 1.0);  // not this year
  sched.run_year(s, p, 2021, shocks, bind);
  EXPECT_EQ(p.rate, 5.0);
  EXPECT_EQ(s.seen_rate, 1.0);  // "first" ran before the shock point in 2021
  sched.run_year(s, p, 2022, shocks, bind);
  EXPECT_EQ(s.seen_rate, 5.0);  // and the shock persists
  EXPECT_EQ(s.log.size(), 6u);
  EXPECT_EQ(sched.seconds().size(), 3u);
}

TEST(Schedule, RejectsSecondShockPointAndNullPhase) {
  Schedule<S, P> sched;
  sched.shock_point();
  EXPECT_THROW(sched.shock_point(), std::logic_error);
  EXPECT_THROW(sched.phase("null", nullptr), std::logic_error);
}

}  // namespace nisim
