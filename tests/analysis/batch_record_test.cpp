// The record of a batch run and its check (analysis/batch_record.hpp): a fresh run's record
// passes; values no run can produce (NaN where every run has values, infinity, an indicator
// that disagrees with its series) are a ModelError naming the run.
#include "analysis/batch_record.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "models/kpi.hpp"
#include "models/model.hpp"
#include "test_support.hpp"

namespace nisim::hk {
namespace {

class BatchRecordTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const RunResult r = run(test::small_scenario(), {{5}, 1});
    years_ = new std::vector<std::int32_t>(r.history.year.begin(), r.history.year.end());
    record_ = new std::vector<double>(run_record(r.history));
  }
  static void TearDownTestSuite() {
    delete years_;
    delete record_;
  }
  /// The check's message for `values`, "" if it passes.
  static std::string problem(const std::vector<double>& values) {
    try {
      check_run_record(values, *years_, "scenario small, replication 3");
    } catch (const ModelError& e) {
      return e.what();
    }
    return "";
  }
  static std::size_t index_of(const char* name) {
    std::size_t v = 0;
    while (std::string(batch_variables()[v].name) != name) ++v;
    return v * years_->size();
  }
  static std::vector<std::int32_t>* years_;
  static std::vector<double>* record_;
};
std::vector<std::int32_t>* BatchRecordTest::years_ = nullptr;
std::vector<double>* BatchRecordTest::record_ = nullptr;

TEST_F(BatchRecordTest, FreshRunPasses) {
  ASSERT_EQ(record_->size(), record_size(years_->size()));
  EXPECT_EQ(problem(*record_), "");
}

TEST_F(BatchRecordTest, NanOrInfinityWhereEveryRunHasValuesIsNamed) {
  for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    std::vector<double> v = *record_;
    v[index_of("gdp") + 2] = bad;
    const std::string message = problem(v);
    EXPECT_NE(message.find("scenario small, replication 3"), std::string::npos) << message;
    EXPECT_NE(message.find("gdp in " + std::to_string((*years_)[2])), std::string::npos) << message;
  }
}

TEST_F(BatchRecordTest, OptionalSeriesIsAllNanOrAllFinite) {
  std::vector<double> v = *record_;
  const std::size_t at = index_of("nias_enterprises");
  for (std::size_t t = 0; t < years_->size(); ++t) v[at + t] = std::nan("");
  EXPECT_EQ(problem(v), "");  // a run without the scheme records nothing
  v[at] = 1.0;
  EXPECT_NE(problem(v).find("nias_enterprises"), std::string::npos);
}

TEST_F(BatchRecordTest, IndicatorMustBeFiniteOrNan) {
  std::vector<double> v = *record_;
  v.back() = -std::numeric_limits<double>::infinity();
  EXPECT_NE(problem(v).find(kpi_specs().back().indicator), std::string::npos);
  v.back() = std::nan("");
  EXPECT_EQ(problem(v), "");
}

TEST_F(BatchRecordTest, WrongSizeIsRefused) {
  std::vector<double> v = *record_;
  v.pop_back();
  EXPECT_NE(problem(v).find("values, expected"), std::string::npos);
}

}  // namespace
}  // namespace nisim::hk
