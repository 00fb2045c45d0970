// The fund history in a run file: group `funds` (per year, per kind) and the per-fund table
// `funds/by_fund` (models/funds/fund_output.hpp, docs/output.md).
#include "models/funds/fund_output.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/hdf5.hpp"
#include "synthetic.hpp"
#include "tests/models/test_support.hpp"

namespace nisim::hk {
namespace {

constexpr int k_first = 2016, k_last = 2027;  // old ITVF terms, enhanced funds and the IOF

struct Series {
  const char* name;
  const std::vector<double>* values;
};

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

template <class T>
std::vector<std::int64_t> widen(const std::vector<T>& v) {
  return {v.begin(), v.end()};
}

class FundOutput : public test::TempDirTest {
 protected:
  /// A history of k_first..k_last from the module's own functions on the synthetic market.
  static const FundHistory& history() {
    static const FundHistory h = [] {
      FundParams p;
      p.itvf_coinvest_prob = 0.1;
      FundSystem s = make_fund_system(p);
      FundHistory out;
      test::SyntheticMarket market(7);
      const Rng rng(3);
      for (int year = k_first; year <= k_last; ++year) market.step(s, year, p, rng, out);
      return out;
    }();
    return h;
  }

  /// Write `h` after root dimensions `year` (of another length) and `row`, as in a run file.
  std::filesystem::path write(const FundHistory& h, const std::string& file = "f.h5") {
    const auto path = dir_ / file;
    h5::AtomicFile f(path, false);
    const std::vector<std::int32_t> years{2016, 2017}, rows{0, 1, 2};
    h5::write_dim_int(f.root(), "year", years, {"year", "calendar year"});
    h5::write_dim_int(f.root(), "row", rows, {"1", "row"});
    write_fund_history(f.root(), h);
    f.commit();
    return path;
  }
};

TEST_F(FundOutput, HistoryHasEveryKindOfFund) {
  const FundHistory& h = history();
  ASSERT_EQ(h.years(), static_cast<std::size_t>(k_last - k_first + 1));
  ASSERT_FALSE(h.fund_year.empty());
  bool kinds[k_fund_kinds] = {};
  for (std::uint8_t k : h.fund_kind) kinds[k] = true;
  for (int k = 0; k < k_fund_kinds; ++k) EXPECT_TRUE(kinds[k]) << k_fund_kind_names[k];
}

TEST_F(FundOutput, PerYearSeriesRoundTrip) {
  const FundHistory& h = history();
  const auto f = h5::open_file_read(write(h));
  const h5::Location g = f.open_group("funds");
  EXPECT_FALSE(g.attr_string("description").empty());
  std::vector<hsize_t> shape;
  EXPECT_EQ(h5::read_int(g, "year", &shape), widen(h.year));
  EXPECT_EQ(shape, (std::vector<hsize_t>{h.years()}));
  EXPECT_EQ(h5::read_strings(g, "fund_kind"),
            (std::vector<std::string>{"private_vc", "itvf_coinvest", "itvf_fund", "iof_subfund"}));

  const std::vector<Series> by_kind = {{"committed_by_kind", &h.committed_by_kind},
                                       {"called_by_kind", &h.called_by_kind},
                                       {"invested_by_kind", &h.invested_by_kind},
                                       {"nav_by_kind", &h.nav_by_kind},
                                       {"distributed_by_kind", &h.distributed_by_kind},
                                       {"fees_by_kind", &h.fees_by_kind},
                                       {"carry_by_kind", &h.carry_by_kind},
                                       {"funds_by_kind", &h.funds_by_kind},
                                       {"dpi_by_kind", &h.dpi_by_kind},
                                       {"tvpi_by_kind", &h.tvpi_by_kind}};
  const std::vector<Series> yearly = {{"rounds_requested", &h.rounds_requested},
                                      {"rounds_funded", &h.rounds_funded},
                                      {"rounds_led", &h.rounds_led},
                                      {"from_funds", &h.from_funds},
                                      {"from_outside", &h.from_outside},
                                      {"from_government", &h.from_government},
                                      {"itvf_private_attracted", &h.itvf_private_attracted},
                                      {"itvf_committed", &h.itvf_committed},
                                      {"itvf_spent", &h.itvf_spent},
                                      {"itvf_receipts", &h.itvf_receipts},
                                      {"iof_committed", &h.iof_committed},
                                      {"iof_spent", &h.iof_spent},
                                      {"iof_receipts", &h.iof_receipts},
                                      {"iof_chain_invested", &h.iof_chain_invested}};
  // Two dimension scales, the series and the subgroup by_fund.
  EXPECT_EQ(links(g), 2 + by_kind.size() + yearly.size() + 1);
  for (const Series& s : by_kind) {
    SCOPED_TRACE(s.name);
    EXPECT_EQ(h5::read_double(g, s.name, &shape), *s.values);
    EXPECT_EQ(shape, (std::vector<hsize_t>{h.years(), k_fund_kinds}));
    EXPECT_EQ(h5::dim_names(g, s.name), (std::vector<std::string>{"year", "fund_kind"}));
    EXPECT_FALSE(dataset(g, s.name).attr_string("units").empty());
    EXPECT_FALSE(dataset(g, s.name).attr_string("long_name").empty());
  }
  for (const Series& s : yearly) {
    SCOPED_TRACE(s.name);
    EXPECT_EQ(h5::read_double(g, s.name, &shape), *s.values);
    EXPECT_EQ(shape, (std::vector<hsize_t>{h.years()}));
    EXPECT_EQ(h5::dim_names(g, s.name), (std::vector<std::string>{"year"}));
    EXPECT_FALSE(dataset(g, s.name).attr_string("units").empty());
    EXPECT_FALSE(dataset(g, s.name).attr_string("long_name").empty());
  }
  EXPECT_EQ(dataset(g, "tvpi_by_kind").attr_string("units"), "1");
  EXPECT_EQ(dataset(g, "itvf_spent").attr_string("units"), "HK$ M");
}

TEST_F(FundOutput, PerFundTableRoundTrips) {
  const FundHistory& h = history();
  const auto f = h5::open_file_read(write(h));
  const h5::Location g = f.open_group("funds").open_group("by_fund");
  const std::size_t n = h.fund_year.size();
  std::vector<hsize_t> shape;
  const std::vector<std::int64_t> row = h5::read_int(g, "row", &shape);
  ASSERT_EQ(shape, (std::vector<hsize_t>{n}));
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(row[i], static_cast<std::int64_t>(i));

  auto ints = [&](const char* name, const std::vector<std::int64_t>& expect) {
    SCOPED_TRACE(name);
    EXPECT_EQ(h5::read_int(g, name, &shape), expect);
    EXPECT_EQ(shape, (std::vector<hsize_t>{n}));
    EXPECT_EQ(h5::dim_names(g, name), (std::vector<std::string>{"row"}));
  };
  auto reals = [&](const char* name, const std::vector<double>& expect) {
    SCOPED_TRACE(name);
    EXPECT_EQ(h5::read_double(g, name, &shape), expect);
    EXPECT_EQ(shape, (std::vector<hsize_t>{n}));
    EXPECT_EQ(h5::dim_names(g, name), (std::vector<std::string>{"row"}));
    EXPECT_FALSE(dataset(g, name).attr_string("units").empty());
  };
  ints("fund_year", widen(h.fund_year));
  ints("fund_id", widen(h.fund_id));
  ints("fund_kind", widen(h.fund_kind));
  ints("fund_vintage", widen(h.fund_vintage));
  reals("committed", h.fund_committed);
  reals("called", h.fund_called);
  reals("invested", h.fund_invested);
  reals("nav", h.fund_nav);
  reals("distributed", h.fund_distributed);
  reals("fees", h.fund_fees);
  reals("dpi", h.fund_dpi);
  reals("tvpi", h.fund_tvpi);
  EXPECT_EQ(links(g), 13u);  // row and twelve columns
}

TEST_F(FundOutput, PerFundTableSumsToTheKindSeries) {
  // The documented relation: committed_by_kind[t, k] is the sum of by_fund/committed over the
  // rows with fund_year == year[t] and fund_kind == k.
  const FundHistory& h = history();
  const auto f = h5::open_file_read(write(h));
  const h5::Location g = f.open_group("funds");
  const std::vector<std::int64_t> year = h5::read_int(g, "year");
  const std::vector<double> by_kind = h5::read_double(g, "committed_by_kind");
  const h5::Location t = g.open_group("by_fund");
  const std::vector<std::int64_t> fy = h5::read_int(t, "fund_year"),
                                  fk = h5::read_int(t, "fund_kind");
  const std::vector<double> committed = h5::read_double(t, "committed");
  for (std::size_t y = 0; y < year.size(); ++y) {
    for (std::size_t k = 0; k < k_fund_kinds; ++k) {
      double sum = 0.0;
      for (std::size_t i = 0; i < fy.size(); ++i)
        if (fy[i] == year[y] && fk[i] == static_cast<std::int64_t>(k)) sum += committed[i];
      EXPECT_DOUBLE_EQ(sum, by_kind[y * k_fund_kinds + k]) << year[y] << " " << k;
    }
  }
}

TEST_F(FundOutput, NoFundsYetWritesAnEmptyTable) {
  FundParams p;
  const FundSystem s = make_fund_system(p);
  FundHistory h;
  record_funds(s, 2010, h);  // nothing launched: one year row, no fund rows
  ASSERT_EQ(h.years(), 1u);
  ASSERT_TRUE(h.fund_year.empty());
  const auto f = h5::open_file_read(write(h));
  const h5::Location g = f.open_group("funds");
  std::vector<hsize_t> shape;
  EXPECT_EQ(h5::read_double(g, "nav_by_kind", &shape), h.nav_by_kind);
  EXPECT_EQ(shape, (std::vector<hsize_t>{1, k_fund_kinds}));
  const h5::Location t = g.open_group("by_fund");
  EXPECT_TRUE(h5::read_int(t, "row", &shape).empty());
  EXPECT_EQ(shape, (std::vector<hsize_t>{0}));
  EXPECT_TRUE(h5::read_int(t, "fund_id", &shape).empty());
  EXPECT_EQ(shape, (std::vector<hsize_t>{0}));
  EXPECT_TRUE(h5::read_double(t, "tvpi", &shape).empty());
  EXPECT_EQ(shape, (std::vector<hsize_t>{0}));
  EXPECT_EQ(h5::dim_names(t, "tvpi"), (std::vector<std::string>{"row"}));
}

TEST_F(FundOutput, RejectsAColumnOfTheWrongLength) {
  FundHistory h = history();
  h.fund_nav.pop_back();
  EXPECT_THROW(write(h), std::invalid_argument);
  h = history();
  h.carry_by_kind.push_back(0.0);
  EXPECT_THROW(write(h, "g.h5"), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "f.h5"));
}

TEST_F(FundOutput, RefusesAnExistingGroup) {
  h5::AtomicFile f(dir_ / "twice.h5", false);
  write_fund_history(f.root(), history());
  EXPECT_THROW(write_fund_history(f.root(), history()), IoError);
}

}  // namespace
}  // namespace nisim::hk
