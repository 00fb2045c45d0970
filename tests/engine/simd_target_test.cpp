// Runtime dispatch: choosing the kernel build (engine/simd_target.hpp).
#include "engine/simd_target.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "engine/error.hpp"

namespace nisim {
namespace {

/// The message of the Error parse_simd_target throws for `value`, after checking its exit code.
std::string refusal(const std::string& value) {
  try {
    parse_simd_target(value);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage) << value;
    return e.what();
  }
  ADD_FAILURE() << value << " was accepted";
  return "";
}

TEST(SimdTarget, EveryTargetThatRunsIsAcceptedByName) {
  int runs = 0;
  for (int k = 0; k < k_simd_targets; ++k) {
    const auto t = static_cast<SimdTarget>(k);
    if (!simd_target_runs(t)) continue;
    ++runs;
    EXPECT_EQ(parse_simd_target(simd_target_name(t)), t);
    EXPECT_TRUE(simd_target_built(t));
  }
  EXPECT_GE(runs, 1);
  EXPECT_TRUE(simd_target_runs(best_simd_target()));
}

TEST(SimdTarget, TheBestTargetIsTheWidestThatRuns) {
  const SimdTarget best = best_simd_target();
  for (int k = static_cast<int>(best) + 1; k < k_simd_targets; ++k) {
    EXPECT_FALSE(simd_target_runs(static_cast<SimdTarget>(k))) << k;
  }
}

TEST(SimdTarget, UnknownNamesAreUsageErrorsNamingTheVariable) {
  for (const std::string bad : {"sse9", "AVX2", "avx2 ", "x86-64-v3", "0"}) {
    const std::string message = refusal(bad);
    EXPECT_NE(message.find("NISIM_DISPATCH=" + bad), std::string::npos) << message;
    EXPECT_NE(message.find("unknown target"), std::string::npos) << message;
  }
}

TEST(SimdTarget, ATargetThatDoesNotRunHereIsRefusedWithTheReason) {
  int refused = 0;
  for (int k = 0; k < k_simd_targets; ++k) {
    const auto t = static_cast<SimdTarget>(k);
    if (simd_target_runs(t)) continue;
    ++refused;
    const std::string message = refusal(simd_target_name(t));
    const std::string why = simd_target_built(t) ? "this CPU cannot run" : "has no kernel";
    EXPECT_NE(message.find(why), std::string::npos) << message;
    // The message lists what does run, starting with the best target's name.
    EXPECT_NE(message.find(simd_target_name(best_simd_target())), std::string::npos) << message;
  }
  // A build has either the native kernel alone or none of it: one target at least never runs.
  EXPECT_GE(refused, 1);
}

TEST(SimdTarget, TheProcessUsesNisimDispatchOrElseTheBest) {
  const char* value = std::getenv("NISIM_DISPATCH");  // NOLINT(concurrency-mt-unsafe)
  if (value == nullptr || *value == '\0') {
    EXPECT_EQ(simd_target(), best_simd_target());
  } else {
    EXPECT_EQ(simd_target(), parse_simd_target(value));
  }
}

TEST(SimdTarget, DescriptionsNameTheTargetAndItsLevel) {
  EXPECT_EQ(simd_target_description(SimdTarget::avx2), "avx2 (x86-64-v3)");
  EXPECT_EQ(simd_target_description(SimdTarget::avx512), "avx512 (x86-64-v4)");
  // The native build's CPU (CMake's NISIM_NATIVE_ARCH; tests/CMakeLists.txt).
  EXPECT_EQ(simd_target_description(SimdTarget::native),
            std::string("native (-march=") + NISIM_TEST_NATIVE_ARCH + ")");
}

}  // namespace
}  // namespace nisim
