// `nisim report`: the scorecard against a hand computation from a tiny batch, escaping of
// hostile text, files that are not batches, atomic output (analysis/report/; docs/report.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/batch.hpp"
#include "analysis/report/html.hpp"
#include "analysis/report/report.hpp"
#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "engine/statistics.hpp"
#include "test_support.hpp"

namespace nisim::hk::report {
namespace {

namespace fs = std::filesystem;

class ReportTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    write_nifs_pair();
    const fs::path batch =
        write("batch.toml",
              "[batch]\nreplications = 5\nseed = 777\nbase = \"without\"\n"
              "[[scenario]]\nfile = \"with.toml\"\n[[scenario]]\nfile = \"without.toml\"\n");
    BatchOptions o;
    o.threads = 2;
    run_batch(load_batch(batch), dir_ / "b.h5", o);
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_F(ReportTest, ScorecardEqualsAHandComputationFromTheRuns) {
  const BatchReport r = read_batch_report(dir_ / "b.h5");
  ASSERT_EQ(r.scenarios.size(), 2u);
  EXPECT_EQ(r.base, "without");
  EXPECT_EQ(r.replications, 5);
  // small.toml does not reach 2032: the score year is the last simulated year.
  ASSERT_LT(r.years.back(), 2032);
  EXPECT_EQ(r.score_year, r.years.back());

  const auto f = h5::open_file_read(dir_ / "b.h5");
  const auto with = f.open_group("with"), without = f.open_group("without");
  const std::vector<double> sw = h5::read_double(with, "mfg_share");
  const std::vector<double> sb = h5::read_double(without, "mfg_share");
  const std::vector<double> pw = h5::read_double(with, "public_spending");
  const std::vector<double> pb = h5::read_double(without, "public_spending");
  const std::size_t T = r.years.size(), R = 5, t = T - 1;
  double ds = 0.0, dm = 0.0, share = 0.0, money = 0.0;
  std::vector<double> d(R), m(R);
  for (std::size_t k = 0; k < R; ++k) {
    double mw = 0.0, mb = 0.0;
    for (std::size_t y = 0; y < T; ++y) mw += pw[k * T + y], mb += pb[k * T + y];
    d[k] = sw[k * T + t] - sb[k * T + t];
    m[k] = mw - mb;
    ds += d[k] / R, dm += m[k] / R, share += sw[k * T + t] / R, money += mw / R;
  }
  double vs = 0.0, vm = 0.0;
  for (std::size_t k = 0; k < R; ++k) {
    vs += (d[k] - ds) * (d[k] - ds) / (R - 1);
    vm += (m[k] - dm) * (m[k] - dm) / (R - 1);
  }
  const double tq = student_t_quantile(0.975, R - 1.0);
  const ScenarioCard& c = r.scenarios[0];
  ASSERT_EQ(c.name, "with");
  EXPECT_NEAR(c.share, share, 1e-12);
  EXPECT_NEAR(c.money, money, 1e-9);
  EXPECT_NEAR(c.share_diff.mean, ds, 1e-12);
  EXPECT_NEAR(c.share_diff.low, ds - tq * std::sqrt(vs / R), 1e-12);
  EXPECT_NEAR(c.share_diff.high, ds + tq * std::sqrt(vs / R), 1e-12);
  EXPECT_NEAR(c.money_diff.mean, dm, 1e-9);
  EXPECT_NEAR(c.money_diff.high, dm + tq * std::sqrt(vm / R), 1e-9);
  if (ds - tq * std::sqrt(vs / R) > 0.0) {
    EXPECT_NEAR(c.cost_per_pp, dm / ds, 1e-9 * std::abs(dm / ds));
  } else {
    EXPECT_TRUE(std::isnan(c.cost_per_pp));
  }
  // The same interval as the batch's own paired comparison (analysis/batch.cpp).
  const auto vs_base = with.open_group("vs_base");
  EXPECT_NEAR(c.share_diff.low, h5::read_double(vs_base, "mfg_share_diff_ci_low")[t], 1e-12);
  // The base has no change against itself; P(met) is the file's.
  EXPECT_EQ(r.scenarios[1].share_diff.mean, 0.0);
  EXPECT_EQ(c.kpi_p_met.size(), r.indicators.size());
  const std::vector<double> p = h5::read_double(with, "kpi_p_met");
  for (std::size_t k = 0; k < p.size(); ++k) {
    EXPECT_TRUE(c.kpi_p_met[k] == p[k] || (std::isnan(c.kpi_p_met[k]) && std::isnan(p[k])));
  }
  // The variant's change of settings against the base is the NIFS switch.
  // (scenarios/baseline.toml, which small.toml inherits, enables it).
  EXPECT_EQ(c.removed, std::vector<std::string>{"[schemes.nifs] enabled = false"});
  EXPECT_EQ(c.added, std::vector<std::string>{"[schemes.nifs] enabled = true"});

  // The page carries the exact numbers, and a chart per section.
  write_text_atomic(dir_ / "r.html", render_html(r), false);
  const std::string html = slurp(dir_ / "r.html");
  EXPECT_NE(html.find("data-id=\"with:share_diff\" data-value=\"" + exact(ds).substr(0, 8)),
            std::string::npos);
  EXPECT_NE(html.find("id=\"attribution-absent\""), std::string::npos);
  EXPECT_NE(html.find("id=\"sensitivity-absent\""), std::string::npos);
  EXPECT_GE(std::count(html.begin(), html.end(), '<'), 10);
  // Self-contained: nothing loaded (no src, no link, no url(), no script).
  for (const char* load : {"src=", "<link", "url(", "<script", "@import"}) {
    EXPECT_EQ(html.find(load), std::string::npos) << load;
  }
}

TEST_F(ReportTest, SweepPointsAreCardsReadFromTheSweepArrays) {
  const fs::path batch = write("sweep.toml",
                               "[batch]\nreplications = 3\nseed = 11\n[sweep]\n"
                               "scenario = \"with.toml\"\ndesign = \"morris\"\npoints = 2\n"
                               "levels = 4\nyear = 2022\n"
                               "[[sweep.param]]\nkey = \"smart_lines.cost\"\nmin = 10\n"
                               "max = 40\n");
  run_batch(load_batch(batch), dir_ / "s.h5", BatchOptions{});
  const BatchReport r = read_batch_report(dir_ / "s.h5");
  ASSERT_TRUE(r.has_sweep);
  ASSERT_EQ(r.scenarios.size(), 4u);  // 2 trajectories x (1 + 1) points
  EXPECT_EQ(r.scenarios[3].name, "point_00003");
  EXPECT_EQ(r.sweep.index_name, "morris_mu_star");
  const auto g = h5::open_file_read(dir_ / "s.h5").open_group("sweep");
  const std::vector<double> share = h5::read_double(g, "mfg_share");
  const std::vector<double> p = h5::read_double(g, "p_share_5pct_by_2032");
  const std::size_t T = r.years.size(), ts = static_cast<std::size_t>(r.score_year - r.years[0]);
  for (std::size_t k = 0; k < 4; ++k) {
    double sum = 0.0;
    for (std::size_t rep = 0; rep < 3; ++rep) sum += share[(k * 3 + rep) * T + ts];
    EXPECT_NEAR(r.scenarios[k].share, sum / 3.0, 1e-12) << k;
    const double got = r.scenarios[k].p_share_target;  // NaN: 2032 is not simulated
    EXPECT_TRUE(std::isnan(p[k]) ? std::isnan(got) : got == p[k]) << k;
    EXPECT_TRUE(std::isnan(r.scenarios[k].share_diff.mean)) << k;  // no base to compare with
  }
}

TEST_F(ReportTest, HostileTextIsEscaped) {
  EXPECT_EQ(escape("<a href='x'>\"&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
  BatchReport r = read_batch_report(dir_ / "b.h5");
  const std::string evil = "<script>alert(\"x\")</script>' onload='x";
  r.scenarios[0].name = evil;
  r.scenarios[0].added = {evil};
  r.batch_text = evil;
  r.title = evil;
  const std::string html = render_html(r);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("' onload"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload"),
            std::string::npos);
}

TEST_F(ReportTest, FilesThatAreNotBatchesAreRejectedAndNothingIsWritten) {
  // A run file: HDF5 with other attributes.
  {
    h5::AtomicFile a(dir_ / "run.h5", false);
    a.root().set_attr("title", std::string("nisim run: small"));
    a.commit();
  }
  try {
    (void)read_batch_report(dir_ / "run.h5");
    FAIL() << "a run file was read as a batch";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("not a batch file"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("run.h5"), std::string::npos) << e.what();
  }
  write("text.h5", "not hdf5\n");
  EXPECT_THROW((void)read_batch_report(dir_ / "text.h5"), IoError);
  EXPECT_THROW((void)read_batch_report(dir_ / "missing.h5"), IoError);
  // An existing output is refused without force and left alone.
  write("out.html", "old");
  EXPECT_THROW(write_text_atomic(dir_ / "out.html", "new", false), IoError);
  EXPECT_EQ(slurp(dir_ / "out.html"), "old");
  write_text_atomic(dir_ / "out.html", "new", true);
  EXPECT_EQ(slurp(dir_ / "out.html"), "new");
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

TEST(ReportHtml, AxesAreChosenFromTheDataAndChartsDrawPaths) {
  const Axis a = nice_axis(1.13, 1.61);
  EXPECT_LE(a.lo, 1.13);
  EXPECT_GE(a.hi, 1.61);
  EXPECT_GT(a.lo, 0.5);  // not from 0
  EXPECT_LT(a.hi, 2.5);  // not to 5
  const std::string svg =
      fan_chart("t", "y", {2020, 2021, 2022},
                {{"s", {1.0, 1.1, 1.2}, {1.1, 1.2, 1.3}, {1.2, 1.3, 1.4}}}, 5.0, true);
  EXPECT_NE(svg.find("class=\"band\""), std::string::npos);
  EXPECT_NE(svg.find("class=\"median\""), std::string::npos);
  EXPECT_EQ(svg.find("class=\"reference\""), std::string::npos);  // 5% is off this axis
}

}  // namespace nisim::hk::report
