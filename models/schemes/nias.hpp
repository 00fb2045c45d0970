#pragma once
// Strategic enterprises and the New Industrialisation Acceleration Scheme (docs/model.md
// section 4.2): enterprises in talks with the government arrive over the years; each decides
// whether to build a smart production facility in Hong Kong given the NIAS grant, floor space
// and technical staff; a committed facility is built, paid its grant on completion and becomes
// a manufacturing firm.
#include <array>
#include <cstdint>
#include <vector>

#include "engine/params.hpp"
#include "engine/rng.hpp"
#include "models/land/land.hpp"
#include "models/schemes/budget.hpp"

namespace nisim::hk {

struct Talent;

struct NiasParams {
  SchemeTerms terms{true, 2024, 2040, 10000.0};  ///< from Sep 2024 (FY2024-25), HK$ 10 bn
  double share = 1.0 / 3.0;       ///< government share of the facility's cost (1 : 2)
  double cap = 200.0;             ///< grant cap per enterprise, HK$ M
  double min_investment = 200.0;  ///< smallest eligible facility, HK$ M
  std::int64_t build_years = 2;   ///< years from commitment to production
};

struct EnterpriseParams {
  Series talks;                      ///< a_t: enterprises entering talks with OASES per year
  double conversion_rate = 0.5;      ///< kappa: chance per year in talks of landing in HK
  std::int64_t talks_years = 3;      ///< M_T: years in OASES talks before giving up
  double production_share = 0.5;     ///< share planning a production facility in HK
  double investment_median = 450.0;  ///< median facility investment, HK$ M
  double investment_sigma = 0.8;     ///< s.d. of log investment
  double margin_mean = -0.08;        ///< mean NPV per HK$ invested before any grant
  double margin_sigma = 0.15;        ///< s.d. of that margin across enterprises
  double decide_rate = 0.5;          ///< probability per year in talks of taking the decision
  std::int64_t max_talks = 4;        ///< years in talks after which an enterprise gives up
  double tech_share = 0.3;           ///< technical staff as a share of its employment
  std::array<double, 3> sector_share = {0.3, 0.3, 0.4};  ///< life/health, AI/data, adv. mfg
};

void bind_nias_params(NiasParams& nias, EnterpriseParams& ent, ParamBinder& b);

/// Landed enterprises deciding on a facility and facilities being built (section 4.2), one row
/// each, in the order they landed.
struct Prospects {
  std::vector<std::uint64_t> id;      ///< enterprise id (its own sequence)
  std::vector<std::uint8_t> sector;   ///< manufacturing sector (a strategic one)
  std::vector<double> investment;     ///< I: facility investment, HK$ M
  std::vector<double> margin;         ///< m: NPV per HK$ before grant
  std::vector<std::int32_t> arrived;  ///< year talks began
  std::vector<std::int32_t> done;     ///< year production starts, or 0 while in talks
  std::vector<double> grant;          ///< NIAS grant committed, HK$ M
  std::vector<std::uint8_t> site;     ///< site reserved
  std::vector<double> employment;     ///< persons engaged in the facility
  std::vector<double> floor;          ///< floor space reserved, m2

  template <class F>
  void for_each_column(F&& f) {
    f(id), f(sector), f(investment), f(margin), f(arrived), f(done), f(grant), f(site);
    f(employment), f(floor);
  }
  template <class F>
  void for_each_column(F&& f) const {
    f(id), f(sector), f(investment), f(margin), f(arrived), f(done), f(grant), f(site);
    f(employment), f(floor);
  }
};

/// A facility that starts producing this year: the caller adds it to the firm table.
struct NewPlant {
  std::uint8_t sector;
  std::uint8_t site;
  double employment;  ///< persons (planned when it committed; the firm is sized by eq. 3.8c)
  double grant;       ///< NIAS grant paid now, HK$ M
  double investment;  ///< I: facility investment, HK$ M (its capital is eq. 3.8a)
};

/// Enterprises in talks with OASES that have not landed yet (eq. 4.2f), ids increasing.
struct OasesTalks {
  std::vector<std::uint64_t> id;      ///< enterprise id (kept when it lands)
  std::vector<std::int32_t> entered;  ///< year talks began

  template <class F>
  void for_each_column(F&& f) {
    f(id), f(entered);
  }
  template <class F>
  void for_each_column(F&& f) const {
    f(id), f(entered);
  }
};

struct Enterprises {
  OasesTalks talks;  ///< enterprises in talks with OASES, not yet landed
  Prospects prospects;
  std::uint64_t next_id = 1;
  Scheme nias;                 ///< applications = decisions, approvals = commitments, outcomes
                               ///< = facilities completed
  double talks_cum = 0.0;      ///< cumulative enterprises that entered OASES talks
  double talks_dropped = 0.0;  ///< cumulative enterprises that left talks without landing
  double landed_cum = 0.0;     ///< cumulative strategic enterprises landed (all kinds)
  std::vector<std::uint64_t> landing;  ///< scratch: ids landing this year
  double nias_enterprises = 0.0;       ///< cumulative NIAS-funded enterprises (KPI: 50-100)
  double nias_investment = 0.0;        ///< cumulative investment of NIAS enterprises, HK$ M (KPI)
  double committed = 0.0;              ///< facilities committed this year (with or without a grant)
  double withdrawn = 0.0;              ///< enterprises that gave up this year
  double waiting_land = 0.0;           ///< decisions put off this year for want of floor space
  double waiting_talent = 0.0;         ///< decisions put off this year for want of technical staff
  std::vector<NewPlant> plants;        ///< facilities starting production this year
  std::vector<std::uint8_t> keep;      ///< scratch row mask reused every year
  void new_year() {
    nias.new_year();
    committed = withdrawn = waiting_land = waiting_talent = 0.0;
    plants.clear();
  }
};

namespace purpose {
inline constexpr Purpose enterprise_count = 210;
inline constexpr Purpose enterprise_kind = 211;
inline constexpr Purpose enterprise_size = 212;
inline constexpr Purpose enterprise_margin = 213;
inline constexpr Purpose enterprise_decide = 214;
inline constexpr Purpose enterprise_land = 215;  ///< (t, enterprise): uniform, lands this year
}  // namespace purpose

/// Sites an enterprise of `sector` tries, in order (eq. 4.2d).
std::array<int, 4> preferred_sites(int sector);

/// NIAS grant for a facility of investment `inv` in `year` (eq. 4.2a), 0 if ineligible.
double nias_grant(const NiasParams& p, int year, double inv);

/// Enterprises entering OASES talks this year and those landing (eqs. 4.2b, 4.2f): the ids of
/// the enterprises that land, in increasing order, in ent.landing.
void oases_year(Enterprises& ent, int year, const EnterpriseParams& ep, const Rng& rng);

/// The year of strategic enterprises (eqs. 4.2a-f): talks and landings (oases_year); decisions
/// of landed enterprises planning a facility (commit, wait, withdraw); completions (grant paid,
/// plant listed in ent.plants).
/// `floor_per_worker[s]` is the sector's floor need (section 3.1); `jobs_per_investment[s]` the
/// persons a plant of the sector employs per HK$ M invested (eqs. 3.8a-c). A facility of a
/// sector with `ib_suitable[s]` > 0 may take industrial-building space when none of its
/// preferred sites has room (eq. 3.6i); by default none may.
void enterprises_year(Enterprises& ent, Land& land, Talent& talent, int year, const NiasParams& np,
                      const EnterpriseParams& ep, const std::array<double, 10>& floor_per_worker,
                      const std::array<double, 10>& jobs_per_investment, const Rng& rng,
                      const std::array<double, 10>& ib_suitable = {});

}  // namespace nisim::hk
