// The record of a batch run and its check (analysis/batch_record.hpp): a fresh run's record
// passes; values no run can produce (NaN where every run has values, infinity, an indicator
// that disagrees with its series) are a ModelError naming the run.
#include "analysis/batch_record.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
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

TEST(RecordVariables, ExtraSeriesFollowTheDefaultsWithTheRunsValues) {
  const History h = run(test::small_scenario(), {{5}, 1}).history;
  const SourcePos pos{"b.toml", 7, 10};
  const auto vars = record_variables({{"wage", pos}, {"talent_pool", pos}}, {&h});
  ASSERT_EQ(vars.size(), batch_variables().size() + 2);
  EXPECT_EQ(vars[batch_variables().size()].name, "wage");
  EXPECT_EQ(vars.back().name, "talent_pool");
  EXPECT_EQ(vars.back().units, "persons");
  const std::vector<double> record = run_record(h, vars);
  ASSERT_EQ(record.size(), record_size(h.years(), vars));
  const std::size_t T = h.years(), at = batch_variables().size() * T;
  // The defaults keep their place (bit for bit, NaN included); the extra series follow, with
  // the run's own values.
  const std::vector<double> plain = run_record(h);
  EXPECT_EQ(std::memcmp(record.data(), plain.data(), at * sizeof(double)), 0);
  EXPECT_EQ(std::vector<double>(record.begin() + static_cast<long>(at),
                                record.begin() + static_cast<long>(at + T)),
            h.wage);
  ASSERT_NE(h.find("talent_pool"), nullptr);
  EXPECT_EQ(std::vector<double>(record.begin() + static_cast<long>(at + T),
                                record.begin() + static_cast<long>(at + 2 * T)),
            *h.find("talent_pool"));
  EXPECT_NO_THROW(check_run_record(record, h.year, "run", vars));
}

TEST(RecordVariables, UnknownOrDefaultNamesAreErrorsNamingTheLine) {
  const History h = run(test::small_scenario(), {{5}, 1}).history;
  const auto message = [&h](const std::string& name) {
    try {
      record_variables({{name, SourcePos{"b.toml", 7, 10}}}, {&h});
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(message("wgae").rfind("b.toml:7:10: key 'record.series': 'wgae' is not a per-year "
                                  "series of a run (did you mean 'wage'?)",
                                  0),
            0u)
      << message("wgae");
  EXPECT_NE(message("talent_poll").find("did you mean 'talent_pool'?"), std::string::npos);
  EXPECT_NE(message("va_by_sector").find("is not a per-year series"), std::string::npos);
  EXPECT_NE(message("mfg_share").find("recorded by every batch already"), std::string::npos);
}

TEST_F(BatchRecordTest, WrongSizeIsRefused) {
  std::vector<double> v = *record_;
  v.pop_back();
  EXPECT_NE(problem(v).find("values, expected"), std::string::npos);
}

}  // namespace
}  // namespace nisim::hk
