// Writing the fund history into group `funds` and its per-fund table `funds/by_fund`
// (schema: docs/output.md, "Venture funds").
#include "models/funds/fund_output.hpp"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace nisim::hk {

namespace {

template <class T>
std::vector<std::int64_t> to_int64(const std::vector<T>& v) {
  std::vector<std::int64_t> out;
  out.reserve(v.size());
  for (const T& x : v) {
    if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(std::int64_t)) {
      if (x > static_cast<T>(std::numeric_limits<std::int64_t>::max()))
        throw std::invalid_argument("write_fund_history: a value does not fit an int64");
    }
    out.push_back(static_cast<std::int64_t>(x));
  }
  return out;
}

void write_by_fund(const h5::Location& funds, const FundHistory& h) {
  const h5::Location g = funds.create_group("by_fund");
  g.set_attr("description",
             "one row per fund per year: every fund launched by that year, closed ones included, "
             "funds in launch order within a year (docs/model.md section 6.8)");
  const std::size_t n = h.fund_year.size();
  if (n > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::invalid_argument("write_fund_history: too many rows for an int32 `row`");
  std::vector<std::int32_t> row(n);
  for (std::size_t i = 0; i < n; ++i) row[i] = static_cast<std::int32_t>(i);
  h5::write_dim_int(g, "row", row, {"1", "row of the per-fund table"});

  const std::vector<hsize_t> shape{n};
  const std::vector<std::string> dims{"row"};
  auto ints = [&](const char* name, const std::vector<std::int64_t>& v, const char* units,
                  const char* long_name) {
    h5::write_int(g, name, v, shape, dims, {units, long_name});
  };
  auto reals = [&](const char* name, const std::vector<double>& v, const char* units,
                   const char* long_name) {
    h5::write_double(g, name, v, shape, dims, {units, long_name});
  };
  ints("fund_year", to_int64(h.fund_year), "year", "calendar year of the row");
  ints("fund_id", to_int64(h.fund_id), "1", "fund id (stable, from 1, never reused)");
  ints("fund_kind", to_int64(h.fund_kind), "1", "fund kind: index into funds/fund_kind");
  ints("fund_vintage", to_int64(h.fund_vintage), "year", "launch year of the fund");
  reals("committed", h.fund_committed, "HK$ M", "commitments (government, private LPs, GP)");
  reals("called", h.fund_called, "HK$ M", "capital called, cumulative");
  reals("invested", h.fund_invested, "HK$ M", "invested at cost, cumulative");
  reals("nav", h.fund_nav, "HK$ M", "holdings at latest round valuation, year end");
  reals("distributed", h.fund_distributed, "HK$ M",
        "distributed to LP interests excluding carry, cumulative");
  reals("fees", h.fund_fees, "HK$ M", "management fees paid, cumulative");
  reals("dpi", h.fund_dpi, "1", "distributed / called (0 before any call)");
  reals("tvpi", h.fund_tvpi, "1", "(distributed + NAV + cash) / called (0 before any call)");
}

}  // namespace

void write_fund_history(const h5::Location& root, const FundHistory& h) {
  const h5::Location g = root.create_group("funds");
  g.set_attr("description",
             "venture funds, the ITVF and the I&T Industry-Oriented Fund, one row per year; "
             "per-fund table in funds/by_fund (docs/model.md section 6)");
  const hsize_t t = h.years(), nk = k_fund_kinds;

  h5::write_dim_int(g, "year", h.year, {"year", "calendar year"});
  h5::write_dim_str(g, "fund_kind", k_fund_kind_names, {"1", "kind of modelled fund"});

  auto by_kind = [&](const char* name, const std::vector<double>& v, const char* units,
                     const char* long_name) {
    h5::write_double(g, name, v, {t, nk}, {"year", "fund_kind"}, {units, long_name});
  };
  auto series = [&](const char* name, const std::vector<double>& v, const char* units,
                    const char* long_name) {
    h5::write_double(g, name, v, {t}, {"year"}, {units, long_name});
  };
  by_kind("committed_by_kind", h.committed_by_kind, "HK$ M",
          "commitments of funds launched so far");
  by_kind("called_by_kind", h.called_by_kind, "HK$ M", "capital called, cumulative");
  by_kind("invested_by_kind", h.invested_by_kind, "HK$ M", "invested at cost, cumulative");
  by_kind("nav_by_kind", h.nav_by_kind, "HK$ M", "holdings at latest round valuation, year end");
  by_kind("distributed_by_kind", h.distributed_by_kind, "HK$ M",
          "distributed to LP interests excluding carry, cumulative");
  by_kind("fees_by_kind", h.fees_by_kind, "HK$ M", "management fees paid, cumulative");
  by_kind("carry_by_kind", h.carry_by_kind, "HK$ M", "carried interest paid, cumulative");
  by_kind("funds_by_kind", h.funds_by_kind, "funds", "funds launched and not closed, year end");
  by_kind("dpi_by_kind", h.dpi_by_kind, "1", "distributed / called over the kind's funds");
  by_kind("tvpi_by_kind", h.tvpi_by_kind, "1",
          "(distributed + NAV + cash) / called over the kind's funds");

  series("rounds_requested", h.rounds_requested, "rounds", "start-up rounds sought this year");
  series("rounds_funded", h.rounds_funded, "rounds", "start-up rounds closed this year");
  series("rounds_led", h.rounds_led, "rounds", "rounds closed this year led by a modelled fund");
  series("from_funds", h.from_funds, "HK$ M",
         "invested in this year's rounds by modelled funds (incl. ITVF co-investment)");
  series("from_outside", h.from_outside, "HK$ M",
         "invested in this year's rounds by investors outside the modelled funds");
  series("from_government", h.from_government, "HK$ M",
         "ITVF old-terms co-investment in this year's rounds");
  series("itvf_private_attracted", h.itvf_private_attracted, "HK$ M",
         "private investment attracted by the ITVF since 2017, cumulative (KPI)");
  series("itvf_committed", h.itvf_committed, "HK$ M", "ITVF: committed, not yet paid");
  series("itvf_spent", h.itvf_spent, "HK$ M", "ITVF: paid out, cumulative");
  series("itvf_receipts", h.itvf_receipts, "HK$ M",
         "ITVF: distributions to the government, cumulative");
  series("iof_committed", h.iof_committed, "HK$ M",
         "I&T Industry-Oriented Fund: committed, not yet paid");
  series("iof_spent", h.iof_spent, "HK$ M", "I&T Industry-Oriented Fund: paid out, cumulative");
  series("iof_receipts", h.iof_receipts, "HK$ M",
         "I&T Industry-Oriented Fund: distributions to the government, cumulative");
  series("iof_chain_invested", h.iof_chain_invested, "HK$ M",
         "I&T Industry-Oriented Fund: sub-funds' investment in chain-leading enterprises, "
         "cumulative");

  write_by_fund(g, h);
}

}  // namespace nisim::hk
