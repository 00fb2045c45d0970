#pragma once
// A small parameter struct shared by the engine tests (params_test.cpp, scenario_test.cpp).
#include <cstdint>
#include <limits>
#include <string>

#include "engine/params.hpp"

namespace nisim::test {

/// A small parameter struct, bound the way models bind theirs.
struct TestParams {
  double rate = 0.25;
  double scale = 2.0;
  std::int64_t count = 10;
  bool on = true;
  std::string mode = "x";
  Series path{{2016}, {0.5}};

  void bind(ParamBinder& b) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    b.real("econ.rate", rate, {"fraction", 0.0, 1.0, "a rate"});
    b.real("econ.scale", scale, {"", -inf, inf, "unbounded"});
    b.integer("firms.count", count, {"firms", 1, 100000, "count"});
    b.boolean("policy.on", on, {"", -inf, inf, "switch"});
    b.text("policy.mode", mode, {"", -inf, inf, "mode"}, {"x", "y"});
    b.series("macro.path", path, {"1/year", -1.0, 1.0, "path"});
  }
  BindFn binder() {
    return [this](ParamBinder& b) { bind(b); };
  }
};

}  // namespace nisim::test
