// Writing the start-up history into group `startups` (schema: docs/output.md, "Start-ups").
#include "models/startups/startup_output.hpp"

#include <array>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace nisim::hk {

namespace {

/// Labels of the `exit_kind` dimension, in StartupExit::Kind order.
constexpr std::array<std::string_view, 3> k_exit_kind_names = {"failure", "acquisition", "listing"};
static_assert(std::tuple_size_v<decltype(StartupSystem::exits)> == k_exit_kind_names.size());
static_assert(static_cast<int>(StartupExit::Kind::listing) == 2);

}  // namespace

void write_startup_history(const h5::Location& root, const StartupHistory& h) {
  const h5::Location g = root.create_group("startups");
  g.set_attr("description",
             "start-up population, rounds, exits, graduation and the start-up schemes, one row "
             "per year (docs/model.md section 5)");
  const hsize_t t = h.years();

  h5::write_dim_int(g, "year", h.year, {"year", "calendar year"});
  h5::write_dim_str(g, "stage", k_stage_names, {"1", "start-up stage"});
  h5::write_dim_str(g, "origin", k_origin_names, {"1", "origin of a start-up"});
  h5::write_dim_str(g, "field", k_field_names, {"1", "field of a start-up"});
  h5::write_dim_str(g, "exit_kind", k_exit_kind_names, {"1", "kind of exit"});
  h5::write_dim_str(g, "scheme", k_startup_scheme_names, {"1", "start-up scheme"});

  auto series = [&](const char* name, const std::vector<double>& v, const char* units,
                    const char* long_name) {
    h5::write_double(g, name, v, {t}, {"year"}, {units, long_name});
  };
  auto by = [&](const char* dim, hsize_t n) {
    return [&g, t, dim, n](const char* name, const std::vector<double>& v, const char* units,
                           const char* long_name) {
      h5::write_double(g, name, v, {t, n}, {"year", dim}, {units, long_name});
    };
  };
  const auto by_stage = by("stage", k_stages);
  const auto by_field = by("field", k_fields);
  const auto by_origin = by("origin", k_origins);
  const auto by_exit = by("exit_kind", k_exit_kind_names.size());
  const auto by_scheme = by("scheme", k_startup_schemes);

  series("count", h.count, "start-ups", "start-ups at year end");
  series("employment", h.employment, "persons", "persons engaged by start-ups at year end");
  by_stage("count_by_stage", h.count_by_stage, "start-ups", "start-ups at year end by stage");
  by_field("count_by_field", h.count_by_field, "start-ups", "start-ups at year end by field");
  by_origin("births_by_origin", h.births_by_origin, "start-ups",
            "start-ups born this year by origin");
  by_exit("exits_by_kind", h.exits_by_kind, "start-ups", "start-ups exiting this year by kind");
  by_exit("exit_value_by_kind", h.exit_value_by_kind, "HK$ M",
          "equity value (100%) of start-ups exiting this year by kind");
  series("graduates", h.graduates, "start-ups", "start-ups graduated into manufacturing this year");
  by_stage("rounds_attempted_by_stage", h.rounds_attempted_by_stage, "rounds",
           "rounds sought this year by stage sought");
  by_stage("rounds_closed_by_stage", h.rounds_closed_by_stage, "rounds",
           "rounds closed this year by stage reached");
  by_stage("money_raised_by_stage", h.money_raised_by_stage, "HK$ M",
           "money raised in closed rounds this year by stage reached");
  series("tsssu_funded_total", h.tsssu_funded_total, "start-ups",
         "TSSSU start-ups funded since launch (KPI)");
  series("raise_plus_funded", h.raise_plus_funded, "projects", "RAISe+ projects funded this year");
  series("accelerator_admissions", h.accelerator_admissions, "start-ups",
         "start-ups admitted to accelerators this year");
  series("innohk_researchers", h.innohk_researchers, "persons",
         "researchers paid by InnoHK this year");
  by_scheme("scheme_applications", h.scheme_applications, "1",
            "applications this year (docs/output.md lists the unit per scheme)");
  by_scheme("scheme_approvals", h.scheme_approvals, "1",
            "approvals this year (docs/output.md lists the unit per scheme)");
  by_scheme("scheme_paid", h.scheme_paid, "HK$ M", "paid out this year");
  by_scheme("scheme_outcomes", h.scheme_outcomes, "1",
            "scheme output this year (docs/output.md lists it per scheme)");
  by_scheme("scheme_spent", h.scheme_spent, "HK$ M", "paid out, cumulative");
  by_scheme("scheme_committed", h.scheme_committed, "HK$ M", "committed, not yet paid");
}

}  // namespace nisim::hk
