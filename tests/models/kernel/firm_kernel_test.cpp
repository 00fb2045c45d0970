// The firm update's kernel builds (models/kernel/; docs/performance.md, "Runtime dispatch"): every
// instruction-set target this machine runs gives bitwise the same table. The kernel's equations
// are tested against a plain reference in tests/models/firms_test.cpp; CTest runs those tests
// once per target (firm_kernel_<target>, with NISIM_DISPATCH set: tests/CMakeLists.txt).
#include "models/kernel/firm_kernel.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/table.hpp"

namespace nisim::hk {
namespace {

/// With NISIM_DISPATCH naming a target this binary or CPU cannot run (CTest's per-target runs on
/// a machine without it), every test of the binary is skipped with this message, which the CTest
/// entries match (SKIP_REGULAR_EXPRESSION) to report the run as skipped, not passed.
class SkipWhenTheForcedTargetCannotRun : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* value = std::getenv("NISIM_DISPATCH");  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr || *value == '\0') return;
    for (int k = 0; k < k_simd_targets; ++k) {
      const auto t = static_cast<SimdTarget>(k);
      if (std::string(value) == simd_target_name(t) && !simd_target_runs(t)) {
        GTEST_SKIP() << "NISIM_DISPATCH=" << value << ": this machine cannot run that target";
      }
    }
  }
};
[[maybe_unused]] ::testing::Environment* const k_skip_environment =
    ::testing::AddGlobalTestEnvironment(new SkipWhenTheForcedTargetCannotRun);

/// Every sector and site, line counts up to and beyond the cap, projects, plants in their ramp-up
/// years, young, mature and the oldest firms the age column holds, firms short of cash and firms
/// rich in it; sizes over four orders of magnitude. n is not a multiple of the 64-row chunk, so the
/// padded last chunk runs too.
FirmTable varied_table(const Params& p, std::size_t n) {
  FirmTable f;
  resize_rows(f, n);
  const Rng rng(41);
  for (std::size_t i = 0; i < n; ++i) {
    const auto id = static_cast<std::uint64_t>(5 * i + 3);
    const int sector = static_cast<int>(i % k_sectors);
    const int site = static_cast<int>((i / 5) % k_sites);
    const double size = 0.5 + 5000.0 * rng.uniform(1, id, 1) * rng.uniform(1, id, 4);
    init_firm_row(f, i, id, sector, site, size, static_cast<int>(i % 13), 0.2, p, 0.0);
    f.log_tfp[i] += 0.4 * rng.normal(1, id, 2);
    f.smart_lines[i] = static_cast<std::uint8_t>(i % 9);
    if (i % 97 == 5) f.age[i] = static_cast<std::uint16_t>(65534 + i % 2);  // saturating ageing
    f.projects[i] = static_cast<std::uint8_t>((i / 9) % 3);
    if (i % 4 == 0) f.cash[i] = -0.5 * f.capital[i] * rng.uniform(1, id, 3);
    if (i % 6 == 0) f.cash[i] = 2e3;
    if (i % 10 == 0) f.ramp_years[i] = static_cast<std::uint8_t>(2 + i % 5);
  }
  return f;
}

FirmEnvironment varied_env(int year) {
  FirmEnvironment env{year, 0.21, 3.5};
  env.project_limit = 2;
  env.tfp_bonus = 0.003;
  env.line_floor = 200.0;
  env.floor_factor = {1.0, 0.85, 0.9, 1.1, 0.75, 1.2};
  env.rent_extra = {0.0, 1e-4, 2e-4, 0.0, 3e-4, 5e-5};
  for (int s = 0; s < k_sectors; ++s) env.log_price[s] = 0.01 * (s - 3);
  return env;
}

/// Names of the columns of `a` and `b` whose bytes differ.
std::string differing_columns(const FirmTable& a, const FirmTable& b) {
  std::vector<std::vector<char>> bytes_a, bytes_b;
  auto collect = [](std::vector<std::vector<char>>& out) {
    return [&out](const auto& column) {
      const auto* data = reinterpret_cast<const char*>(column.data());
      out.emplace_back(data, data + column.size() * sizeof(column[0]));
    };
  };
  a.for_each_column(collect(bytes_a));
  b.for_each_column(collect(bytes_b));
  std::string differ;
  for (std::size_t c = 0; c < bytes_a.size(); ++c) {
    const bool same = bytes_a[c].size() == bytes_b[c].size() &&
                      std::memcmp(bytes_a[c].data(), bytes_b[c].data(), bytes_a[c].size()) == 0;
    if (!same) differ += " column " + std::to_string(c);
  }
  return differ;
}

/// Three years of the update of a varied table under `target`, on rows split at chunk-unaligned
/// places (blocks of different threads).
FirmTable three_years(SimdTarget target, const Params& p) {
  FirmTable f = varied_table(p, 2011);
  for (int year = 2024; year < 2027; ++year) {
    for (const auto& [b, e] :
         {std::pair<std::size_t, std::size_t>{0, 700}, {700, 1301}, {1301, 1302}, {1302, 2011}}) {
      update_firm_rows(f, b, e, varied_env(year), p, Rng(17), target);
    }
  }
  return f;
}

std::vector<SimdTarget> runnable_targets() {
  std::vector<SimdTarget> out;
  for (int k = 0; k < k_simd_targets; ++k) {
    if (simd_target_runs(static_cast<SimdTarget>(k))) out.push_back(static_cast<SimdTarget>(k));
  }
  return out;
}

TEST(FirmKernelTargets, EveryTargetThisMachineRunsGivesBitwiseTheSameTable) {
  const std::vector<SimdTarget> targets = runnable_targets();
  if (targets.size() < 2) GTEST_SKIP() << "only one kernel build runs here: nothing to compare";
  Params p;
  p.sector[2].capital_elasticity = 0.3;  // sectors on their own technologies (section 3.2)
  p.sector[5].labour_share = 0.5;
  const FirmTable before = varied_table(p, 2011);
  const FirmTable first = three_years(targets[0], p);
  ASSERT_NE(differing_columns(first, before), "");  // the update did change the table
  for (std::size_t t = 1; t < targets.size(); ++t) {
    EXPECT_EQ(differing_columns(three_years(targets[t], p), first), "")
        << simd_target_name(targets[t]) << " against " << simd_target_name(targets[0]);
  }
}

/// The line decision's three forms of eqs. 3.4d-e (no decay, decay below 1, no loss of gain),
/// which the kernel selects by per-lane arithmetic rather than loop-invariant branches (so that
/// AVX2 vectorises the loop): every target gives bitwise the same table in each, and the
/// no-grant count (line_plan - 1 for a planning firm) keeps each form's meaning: without decay
/// only firms with no line plan one and count at most one; with a decay of 1, none or all the
/// lines left to the cap.
TEST(FirmKernelTargets, EachFormOfTheLineDecisionIsTheSameOnEveryTarget) {
  const std::vector<SimdTarget> targets = runnable_targets();
  for (const double decay : {0.0, 0.5, 1.0}) {
    Params p;
    p.line_gain_decay = decay;
    p.line_cost = 0.05;  // cheap lines: many firms plan, most would without a grant
    const FirmTable before = varied_table(p, 2011);
    FirmTable first = varied_table(p, 2011);
    update_firm_rows(first, 0, 2011, varied_env(2024), p, Rng(17), targets[0]);
    std::size_t planning = 0, counted = 0;
    for (std::size_t i = 0; i < rows(first); ++i) {
      if (first.line_plan[i] == 0) continue;
      ++planning;
      const int own = first.line_plan[i] - 1;
      const auto left = static_cast<int>(p.line_max) - before.smart_lines[i] - before.projects[i];
      counted += own > 0;
      if (decay == 0.0) {
        EXPECT_LE(own, 1) << "row " << i;
        // eq. 3.4d without decay: only a firm's first line has a gain, so only firms with no
        // line or project plan one.
        EXPECT_EQ(before.smart_lines[i] + before.projects[i], 0) << "row " << i;
      }
      if (decay == 1.0) {
        EXPECT_TRUE(own == 0 || own == left) << "row " << i << ": " << own;
      }
      EXPECT_LE(own, left) << "row " << i;
    }
    EXPECT_GT(planning, 0u) << "decay " << decay;
    EXPECT_GT(counted, 0u) << "decay " << decay;
    for (std::size_t t = 1; t < targets.size(); ++t) {
      EXPECT_EQ(differing_columns(three_years(targets[t], p), three_years(targets[0], p)), "")
          << "decay " << decay << ": " << simd_target_name(targets[t]) << " against "
          << simd_target_name(targets[0]);
    }
  }
}

TEST(FirmKernelTargets, TheDefaultKernelIsTheSelectedTargets) {
  // update_firm_rows without a target runs simd_target()'s build.
  const Params p;
  FirmTable by_default = varied_table(p, 300), by_target = by_default;
  update_firm_rows(by_default, 0, 300, varied_env(2030), p, Rng(8));
  update_firm_rows(by_target, 0, 300, varied_env(2030), p, Rng(8), simd_target());
  EXPECT_EQ(differing_columns(by_default, by_target), "");
}

TEST(FirmKernelTargets, EveryBuiltTargetHasAKernelAndNoOtherDoes) {
  for (int k = 0; k < k_simd_targets; ++k) {
    const auto t = static_cast<SimdTarget>(k);
    EXPECT_EQ(firm_kernel(t) != nullptr, simd_target_built(t)) << simd_target_name(t);
  }
}

TEST(FirmKernelTargets, ATargetThatCannotRunHereIsAUsageErrorNotACrash) {
  const Params p;
  FirmTable f = varied_table(p, 70);
  int refused = 0;
  for (int k = 0; k < k_simd_targets; ++k) {
    const auto t = static_cast<SimdTarget>(k);
    if (simd_target_runs(t)) continue;
    ++refused;
    try {
      update_firm_rows(f, 0, 70, varied_env(2030), p, Rng(8), t);
      ADD_FAILURE() << simd_target_name(t) << " ran";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      EXPECT_NE(std::string(e.what()).find(simd_target_name(t)), std::string::npos) << e.what();
    }
  }
  // A build has either the native kernel alone or none: one target at least never runs.
  EXPECT_GE(refused, 1);
}

}  // namespace
}  // namespace nisim::hk
