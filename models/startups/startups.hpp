#pragma once
// Start-ups: the start-up table (struct of arrays), the start-up schemes (TSSSU, RAISe+, the
// I&T Accelerator Pilot Scheme, InnoHK) and the yearly phases that act on them
// (docs/model.md section 5). Rounds are cleared by the funds side through models/venture.hpp.
//
// Yearly order (the lead's schedule): startup_births, request_rounds, [funds clear the rounds],
// apply_rounds, startup_outcomes, propose_graduates, [land allocation], graduate,
// record_startups. Identity, every year: count after graduate = count before births + births
// - exits - graduates (section 5.10).
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/rng.hpp"
#include "engine/table.hpp"
#include "models/schemes/budget.hpp"
#include "models/startups/startup_params.hpp"
#include "models/venture.hpp"

namespace nisim::hk {

/// Draw purposes of the start-up module, 100-149 (docs/model.md sections 2.3 and 5).
namespace purpose {
inline constexpr Purpose startup_init_stage = 100;       ///< t0, start-up: uniform, stage
inline constexpr Purpose startup_init_age = 101;         ///< t0, start-up: uniform, years in stage
inline constexpr Purpose startup_init_field = 102;       ///< t0, start-up: uniform, field
inline constexpr Purpose startup_birth_count = 110;      ///< t, origin: uniform, Poisson births
inline constexpr Purpose startup_birth_field = 111;      ///< t, origin<<32|k: uniform, field
inline constexpr Purpose tsssu_applications = 112;       ///< t, 0: uniform, Poisson applications
inline constexpr Purpose tsssu_approval = 113;           ///< t, application k: uniform
inline constexpr Purpose raise_plus_applications = 114;  ///< application year, 0: Poisson
inline constexpr Purpose raise_plus_approval = 115;      ///< application year, k: uniform
inline constexpr Purpose raise_plus_grant = 116;         ///< application year, k: normal
inline constexpr Purpose accelerator_select = 117;       ///< t, start-up: uniform, admission
inline constexpr Purpose round_attempt = 120;            ///< t, start-up: uniform
inline constexpr Purpose round_amount = 121;             ///< t, start-up: normal, log size
inline constexpr Purpose startup_exit = 130;             ///< t, start-up: uniform, exit kind
inline constexpr Purpose startup_exit_value = 131;       ///< t, start-up: normal, log multiple
inline constexpr Purpose startup_graduation = 140;       ///< t, start-up: uniform
}  // namespace purpose

/// Bits of StartupTable::flags.
inline constexpr std::uint8_t k_flag_accelerated = 1;  ///< has been through an accelerator

/// Start-ups in Hong Kong; row i is start-up i, ids stable and increasing (section 5.1).
struct StartupTable {
  std::vector<std::uint64_t> id;                ///< stable id (never reused), from 1
  std::vector<std::uint8_t> field;              ///< Field
  std::vector<std::uint8_t> origin;             ///< Origin
  std::vector<std::uint8_t> stage;              ///< Stage
  std::vector<std::int32_t> birth_year;         ///< calendar year of birth
  std::vector<std::int32_t> years_in_stage;     ///< full years since the last closed round
  std::vector<double> employment;               ///< persons engaged
  std::vector<double> post_money;               ///< post-money valuation of the last round, HK$ M
  std::vector<double> cash_raised;              ///< equity raised in priced rounds, HK$ M
  std::vector<double> grant_received;           ///< scheme grants received, HK$ M
  std::vector<double> grant_yearly;             ///< TSSSU grant per year while funded, HK$ M
  std::vector<double> grant_pending;            ///< TSSSU grant committed, not yet paid, HK$ M
  std::vector<std::int32_t> support_until;      ///< last year of TSSSU payments (0 = none)
  std::vector<std::int32_t> accelerated_until;  ///< last accelerated year (0 = never)
  std::vector<std::int32_t> failed_raises;      ///< unfunded round requests in a row
  std::vector<std::uint8_t> flags;              ///< k_flag_* bits

  template <class F>
  void for_each_column(F&& f) {
    f(id), f(field), f(origin), f(stage), f(birth_year), f(years_in_stage), f(employment);
    f(post_money), f(cash_raised), f(grant_received), f(grant_yearly), f(grant_pending);
    f(support_until), f(accelerated_until), f(failed_raises), f(flags);
  }
  template <class F>
  void for_each_column(F&& f) const {
    f(id), f(field), f(origin), f(stage), f(birth_year), f(years_in_stage), f(employment);
    f(post_money), f(cash_raised), f(grant_received), f(grant_yearly), f(grant_pending);
    f(support_until), f(accelerated_until), f(failed_raises), f(flags);
  }
};

/// An accelerator funded by the I&T Accelerator Pilot Scheme (section 5.8).
struct Accelerator {
  double pending = 0.0;    ///< grant committed and not yet paid, HK$ M
  double yearly = 0.0;     ///< payment per year, HK$ M
  std::int32_t until = 0;  ///< last year it is paid and admits a cohort
};

/// The start-up population, its schemes and this year's activity. The counters marked "this
/// year" are reset by startup_births (the first phase of a year).
struct StartupSystem {
  StartupTable table;
  std::uint64_t next_id = 1;  ///< id of the next start-up born
  int year = 0;               ///< the year being simulated (set by startup_births)
  Scheme tsssu, raise_plus, accelerator, innohk;
  std::vector<Accelerator> accelerators;  ///< every accelerator ever funded

  // Cumulative
  double tsssu_funded_total = 0.0;       ///< TSSSU start-ups funded since launch (KPI)
  double raise_plus_funded_total = 0.0;  ///< RAISe+ projects funded since launch
  std::int64_t graduated_total = 0;      ///< start-ups graduated into manufacturing

  // This year
  std::int64_t count_start = 0;                           ///< rows before this year's births
  std::array<std::int64_t, k_origins> births{};           ///< by Origin
  std::array<std::int64_t, 3> exits{};                    ///< by StartupExit::Kind
  std::array<double, 3> exit_value{};                     ///< equity value at exit by kind, HK$ M
  std::int64_t graduates = 0;                             ///< graduates accepted and removed
  std::array<std::int64_t, k_stages> rounds_attempted{};  ///< by stage sought
  std::array<std::int64_t, k_stages> rounds_closed{};     ///< by stage reached
  std::array<double, k_stages> money_raised{};            ///< by stage reached, HK$ M
  std::int64_t accelerator_admissions = 0;
  double innohk_researchers = 0.0;  ///< researchers InnoHK pays this year (firm spillover)

  // Scratch reused every year (no allocation once warmed up).
  std::vector<std::uint8_t> keep;                          ///< compaction mask
  std::vector<std::pair<double, std::size_t>> candidates;  ///< accelerator draws and rows
};

/// Per-year series; *_by_stage are row-major [year][stage], likewise by origin, field, kind.
struct StartupHistory {
  std::vector<std::int32_t> year;
  std::vector<double> count, employment, count_by_stage, count_by_field;
  std::vector<double> births_by_origin, exits_by_kind, exit_value_by_kind;
  std::vector<double> graduates;
  std::vector<double> rounds_attempted_by_stage, rounds_closed_by_stage, money_raised_by_stage;
  std::vector<double> tsssu_funded_total, raise_plus_funded, accelerator_admissions;
  std::vector<double> innohk_researchers;
  /// Per scheme in the order tsssu, raise_plus, accelerator, innohk: [year][scheme].
  std::vector<double> scheme_applications, scheme_approvals, scheme_paid, scheme_outcomes;
  std::vector<double> scheme_spent, scheme_committed;

  std::size_t years() const { return year.size(); }
  bool operator==(const StartupHistory&) const = default;
};
inline constexpr int k_startup_schemes = 4;
inline constexpr std::array<std::string_view, k_startup_schemes> k_startup_scheme_names = {
    "tsssu", "raise_plus", "accelerator", "innohk"};

/// 1. Synthesise the base-year population (section 5.1) and open the schemes' ledgers with
/// their budgets (sections 5.6-5.9). In: params, base year, rng. Out: `sys` replaced.
void initialise_startups(StartupSystem& sys, const StartupParams& p, int base_year, const Rng& rng);

/// 2. Births of the year from every origin and the schemes' approvals and payments (sections
/// 5.2, 5.6-5.9): InnoHK pays researchers and spins off start-ups; TSSSU approves and pays;
/// RAISe+ approves applications of `approval_lag` years earlier; the accelerator scheme funds
/// accelerators and admits cohorts. Resets this year's counters first.
void startup_births(StartupSystem& sys, int year, const StartupParams& p, const Rng& rng);

/// 3. Rounds sought this year (section 5.3), in id order. Out: `requests` replaced.
void request_rounds(const StartupSystem& sys, int year, const StartupParams& p, const Rng& rng,
                    std::vector<RoundRequest>& requests);

/// 4. Apply the funds side's outcomes (section 5.3): a funded round moves the start-up to the
/// round's stage and resets its valuation; an unfunded one counts a failed raise. Throws
/// std::invalid_argument if the spans differ in length or name an unknown start-up.
void apply_rounds(StartupSystem& sys, std::span<const RoundRequest> requests,
                  std::span<const RoundOutcome> outcomes, int year, const StartupParams& p);

/// 5. Failures, acquisitions and listings (section 5.4), in id order into `exits` (replaced);
/// exited rows removed (order kept); survivors age a year and update employment (section 5.1).
void startup_outcomes(StartupSystem& sys, int year, const StartupParams& p, const Rng& rng,
                      std::vector<StartupExit>& exits);

/// 6a. Start-ups ready to scale production in Hong Kong (section 5.5), in id order into
/// `graduates` (replaced).
void propose_graduates(const StartupSystem& sys, int year, const StartupParams& p, const Rng& rng,
                       std::vector<Graduate>& graduates);
/// 6b. Remove the accepted graduates (section 5.5), counted as graduated. `accepted` must be
/// ids of current start-ups (any order); throws std::invalid_argument otherwise.
void graduate(StartupSystem& sys, std::span<const std::uint64_t> accepted);

/// Append this year's row to `h` (section 5.10). Call after graduate.
void record_startups(const StartupSystem& sys, int year, StartupHistory& h);

/// Row of start-up `id`, or rows(table) if absent (ids are sorted).
std::size_t find_startup(const StartupTable& table, std::uint64_t id);
/// find_startup, walking forward from row `from` when the id is not before it: looking up ids
/// in increasing order this way passes over the table once.
std::size_t find_startup_from(const StartupTable& table, std::uint64_t id, std::size_t from);

}  // namespace nisim::hk
