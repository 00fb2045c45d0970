// The start-up history in a run file: group `startups` with its own dimension scales and one
// dataset per StartupHistory series (models/startups/startup_output.hpp, docs/output.md).
#include "models/startups/startup_output.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "tests/models/startups/startup_test_support.hpp"
#include "tests/models/test_support.hpp"

namespace nisim::hk {
namespace {

constexpr int k_base = 2016, k_last = 2020;

/// One series of the history: dataset name, values, second dimension ("" for [year]) and its
/// length.
struct Series {
  const char* name;
  const std::vector<double>* values;
  const char* dim;
  std::size_t n;
};

std::vector<Series> all_series(const StartupHistory& h) {
  return {
      {"count", &h.count, "", 1},
      {"employment", &h.employment, "", 1},
      {"count_by_stage", &h.count_by_stage, "stage", k_stages},
      {"count_by_field", &h.count_by_field, "field", k_fields},
      {"births_by_origin", &h.births_by_origin, "origin", k_origins},
      {"exits_by_kind", &h.exits_by_kind, "exit_kind", 3},
      {"exit_value_by_kind", &h.exit_value_by_kind, "exit_kind", 3},
      {"graduates", &h.graduates, "", 1},
      {"rounds_attempted_by_stage", &h.rounds_attempted_by_stage, "stage", k_stages},
      {"rounds_closed_by_stage", &h.rounds_closed_by_stage, "stage", k_stages},
      {"money_raised_by_stage", &h.money_raised_by_stage, "stage", k_stages},
      {"tsssu_funded_total", &h.tsssu_funded_total, "", 1},
      {"raise_plus_funded", &h.raise_plus_funded, "", 1},
      {"accelerator_admissions", &h.accelerator_admissions, "", 1},
      {"innohk_researchers", &h.innohk_researchers, "", 1},
      {"scheme_applications", &h.scheme_applications, "scheme", k_startup_schemes},
      {"scheme_approvals", &h.scheme_approvals, "scheme", k_startup_schemes},
      {"scheme_paid", &h.scheme_paid, "scheme", k_startup_schemes},
      {"scheme_outcomes", &h.scheme_outcomes, "scheme", k_startup_schemes},
      {"scheme_spent", &h.scheme_spent, "scheme", k_startup_schemes},
      {"scheme_committed", &h.scheme_committed, "scheme", k_startup_schemes},
  };
}

/// Links (datasets and groups) directly in `g`.
hsize_t links(const h5::Location& g) {
  H5G_info_t info;
  if (H5Gget_info(g.id(), &info) < 0) throw std::runtime_error("H5Gget_info");
  return info.nlinks;
}

/// A dataset opened as a Location, to read its attributes.
h5::Location dataset(const h5::Location& g, const std::string& name) {
  return h5::Location(h5::Handle(H5Dopen2(g.id(), name.c_str(), H5P_DEFAULT)));
}

class StartupOutput : public test::TempDirTest {
 protected:
  /// A history of k_base..k_last from the module's own functions.
  static const StartupHistory& history() {
    static const StartupHistory h = [] {
      StartupSystem sys;
      return test::simulate(sys, StartupParams{}, 5, k_base, k_last);
    }();
    return h;
  }

  /// Write `h` as the lead's run file will: root dimensions `year` and `scheme` of other
  /// lengths exist first, so the group must use its own scales.
  std::filesystem::path write(const StartupHistory& h, const std::string& file = "s.h5") {
    const auto path = dir_ / file;
    h5::AtomicFile f(path, false);
    std::vector<std::int32_t> years;
    for (int y = 2000; y <= 2040; ++y) years.push_back(y);
    h5::write_dim_int(f.root(), "year", years, {"year", "calendar year"});
    h5::write_dim_str(f.root(), "scheme", {"nifs", "nias"}, {"1", "government scheme"});
    write_startup_history(f.root(), h);
    f.commit();
    return path;
  }
};

TEST_F(StartupOutput, HistoryHasActivity) {
  const StartupHistory& h = history();
  ASSERT_EQ(h.years(), static_cast<std::size_t>(k_last - k_base + 1));
  double births = 0.0, rounds = 0.0;
  for (double b : h.births_by_origin) births += b;
  for (double r : h.rounds_closed_by_stage) rounds += r;
  EXPECT_GT(births, 0.0);
  EXPECT_GT(rounds, 0.0);
}

TEST_F(StartupOutput, DimensionScalesAreInTheGroup) {
  const auto f = h5::open_file_read(write(history()));
  const h5::Location g = f.open_group("startups");
  std::vector<hsize_t> shape;
  const std::vector<std::int64_t> year = h5::read_int(g, "year", &shape);
  EXPECT_EQ(shape, (std::vector<hsize_t>{history().years()}));
  EXPECT_EQ(year, (std::vector<std::int64_t>{2016, 2017, 2018, 2019, 2020}));
  EXPECT_EQ(h5::read_strings(g, "stage"),
            (std::vector<std::string>{"pre_seed", "seed", "series_a", "series_b", "growth"}));
  EXPECT_EQ(h5::read_strings(g, "origin"),
            (std::vector<std::string>{"other", "tsssu", "raise_plus", "innohk"}));
  EXPECT_EQ(h5::read_strings(g, "field"),
            (std::vector<std::string>{"software_services", "hardware", "life_health_tech",
                                      "ai_data", "advanced_mfg_new_energy"}));
  EXPECT_EQ(h5::read_strings(g, "exit_kind"),
            (std::vector<std::string>{"failure", "acquisition", "listing"}));
  EXPECT_EQ(h5::read_strings(g, "scheme"),
            (std::vector<std::string>{"tsssu", "raise_plus", "accelerator", "innohk"}));
  EXPECT_EQ(dataset(g, "year").attr_string("units"), "year");
  EXPECT_FALSE(g.attr_string("description").empty());
}

TEST_F(StartupOutput, EverySeriesRoundTrips) {
  const StartupHistory& h = history();
  const auto f = h5::open_file_read(write(h));
  const h5::Location g = f.open_group("startups");
  const std::vector<Series> series = all_series(h);
  EXPECT_EQ(links(g), 6 + series.size());  // six dimension scales, one dataset per series
  for (const Series& s : series) {
    SCOPED_TRACE(s.name);
    std::vector<hsize_t> shape;
    const std::vector<double> v = h5::read_double(g, s.name, &shape);
    EXPECT_EQ(v, *s.values);
    const std::string dim = s.dim;
    if (dim.empty()) {
      EXPECT_EQ(shape, (std::vector<hsize_t>{h.years()}));
      EXPECT_EQ(h5::dim_names(g, s.name), (std::vector<std::string>{"year"}));
    } else {
      EXPECT_EQ(shape, (std::vector<hsize_t>{h.years(), s.n}));
      EXPECT_EQ(h5::dim_names(g, s.name), (std::vector<std::string>{"year", dim}));
    }
    const h5::Location d = dataset(g, s.name);
    EXPECT_FALSE(d.attr_string("units").empty());
    EXPECT_FALSE(d.attr_string("long_name").empty());
  }
  EXPECT_EQ(dataset(g, "money_raised_by_stage").attr_string("units"), "HK$ M");
  EXPECT_EQ(dataset(g, "count").attr_string("units"), "start-ups");
}

TEST_F(StartupOutput, RowMajorYearByStage) {
  // Element [t][s] of the file is count_by_stage[t * k_stages + s]: spot-check the last year.
  const StartupHistory& h = history();
  const auto f = h5::open_file_read(write(h));
  const std::vector<double> v = h5::read_double(f.open_group("startups"), "count_by_stage");
  const std::size_t t = h.years() - 1;
  double sum = 0.0;
  for (int s = 0; s < k_stages; ++s) sum += v[t * k_stages + static_cast<std::size_t>(s)];
  EXPECT_EQ(sum, h.count[t]);
}

TEST_F(StartupOutput, EmptyHistoryWritesEmptyDatasets) {
  const auto f = h5::open_file_read(write(StartupHistory{}));
  const h5::Location g = f.open_group("startups");
  std::vector<hsize_t> shape;
  EXPECT_TRUE(h5::read_double(g, "count_by_stage", &shape).empty());
  EXPECT_EQ(shape, (std::vector<hsize_t>{0, k_stages}));
  EXPECT_TRUE(h5::read_double(g, "graduates", &shape).empty());
  EXPECT_EQ(shape, (std::vector<hsize_t>{0}));
}

TEST_F(StartupOutput, RejectsASeriesOfTheWrongLength) {
  StartupHistory h = history();
  h.scheme_paid.pop_back();
  EXPECT_THROW(write(h), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "s.h5"));  // the atomic file was not committed
}

TEST_F(StartupOutput, RefusesAnExistingGroup) {
  h5::AtomicFile f(dir_ / "twice.h5", false);
  write_startup_history(f.root(), history());
  EXPECT_THROW(write_startup_history(f.root(), history()), IoError);
}

}  // namespace
}  // namespace nisim::hk
