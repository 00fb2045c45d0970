#pragma once
// Technical staff and knowledge (docs/model.md sections 4.3-4.5): the pool of technical staff
// that new lines, NIAS facilities and graduating start-ups hire from; the Research Talent Hub,
// the New Industrialisation and Technology Training Programme and the Enterprise Support
// Scheme; and the schemes' R&D that the knowledge channel (models/knowledge.hpp) counts.
#include <array>
#include <cstdint>

#include "engine/params.hpp"
#include "models/schemes/budget.hpp"

namespace nisim::hk {

struct TalentParams {
  // Pool of technical staff (section 4.3).
  double initial_pool = 1500.0;  ///< staff free to join new-industry projects at base, persons
  Series graduates;              ///< G: local post-secondary graduates per year, persons
  double graduate_share = 0.03;  ///< s_G: share of G joining the pool (eq. 4.3b), fraction
  Series nonlocal_inflow;        ///< non-local staff admitted per year (talent schemes), persons
  double attrition = 0.2;        ///< share of the unhired pool leaving it each year
  // Research Talent Hub (section 4.4).
  SchemeTerms rth{true, 2016, 2040, 20000.0};
  Series rth_posts;               ///< posts approved per year (all firms), posts
  double rth_cost = 0.3;          ///< government cost per post-year, HK$ M
  std::int64_t rth_years = 3;     ///< years a post lasts
  double rth_mfg_share = 0.15;    ///< share of posts in manufacturing firms
  double rth_retention = 0.3;     ///< share of posts ending that join the technical pool
  double rth_nias_posts = 36.0;   ///< extra posts per NIAS enterprise, at 1 : 1, for rth_years
  double rth_nias_match = 0.5;    ///< government share of a NIAS post's cost (1 : 1)
  double rth_max_per_firm = 4.0;  ///< most general posts a firm holds at once
  // New Industrialisation and Technology Training Programme (section 4.4).
  SchemeTerms nittp{true, 2018, 2040, 2000.0};
  Series nittp_trainees;     ///< trainees per year, persons
  double nittp_cost = 0.02;  ///< training cost per trainee, HK$ M (government pays 2/3)
  // Enterprise Support Scheme (section 4.4).
  SchemeTerms ess{true, 2016, 2040, 4000.0};
  Series ess_projects;            ///< projects approved per year
  double ess_project_cost = 8.0;  ///< mean R&D project cost, HK$ M (government 1 : 1, cap 10)
  double ess_cap = 10.0;          ///< grant cap per project, HK$ M
  double ess_mfg_share = 0.3;     ///< share of ESS projects in manufacturing firms
  // Scheme R&D counted in the knowledge channel (section 4.5).
  double innohk_spillover = 0.05;  ///< share of InnoHK research that counts as manufacturing R&D
  double innohk_cost = 1.0;        ///< research spending per InnoHK researcher, HK$ M/year
};

void bind_talent_params(TalentParams& p, ParamBinder& b);

/// The technical-staff pool and the talent schemes' state (sections 4.3-4.5).
struct Talent {
  double pool = 0.0;            ///< P: technical staff free to hire, persons
  double inflow = 0.0;          ///< joined this year, persons
  double hired = 0.0;           ///< hired by new projects this year, persons
  double refused = 0.0;         ///< wanted by projects refused for want of staff this year, persons
  double left = 0.0;            ///< left the pool this year (attrition), persons
  Scheme rth, nittp, ess;       ///< the schemes' ledgers; outcomes = posts, trainees, projects
  double rth_posts_cum = 0.0;   ///< cumulative posts approved (KPI: 18,500 by 2027)
  double rth_active_mfg = 0.0;  ///< posts active in manufacturing firms this year
  double nias_posts_pending = 0.0;  ///< NIAS extra posts to approve this year
  double mfg_firms = 0.0;     ///< N^M: manufacturing firms this year (set by the caller), firms
  double rth_eligible = 0.0;  ///< E: firms eligible for general posts this year (eq. 4.4d)
  double rth_capped = 0.0;    ///< general posts sought but refused at the per-firm cap this year
  double rth_refused_talent = 0.0;  ///< posts refused for want of staff this year (eq. 4.4e), posts
  double rth_hired = 0.0;  ///< staff the year's manufacturing posts took from the pool, persons
  std::array<double, 32> rth_general{};  ///< posts approved by year % 32 (general), posts
  std::array<double, 32> rth_nias{};     ///< NIAS extra posts approved by year % 32, posts
  double rd_spending = 0.0;  ///< R^pub: the schemes' R&D in manufacturing (no NITTP), HK$ M

  /// Take `n` staff from the pool for a project; false (counted as refused) if fewer are free.
  bool hire(double n);
  void new_year();
};

/// Local staff joining the pool in `year`: graduates times the share joining it (eq. 4.3b).
double local_inflow(const TalentParams& p, int year);

/// The year's inflow and attrition (eqs. 4.3a-b): holders of posts approved rth_years ago may
/// join the pool. Out: talent.pool, inflow, left.
void talent_inflow(Talent& talent, int year, const TalentParams& p);

/// The year's talent schemes (eqs. 4.4a-e): RTH posts in manufacturing firms hire from the pool
/// and are refused when it is short (eq. 4.4e). `innohk_researchers` comes from the start-up
/// module (section 5); talent.mfg_firms must be set to this year's manufacturing firms (the RTH
/// cap of eq. 4.4d). Out: talent.pool, hired, refused, the schemes' ledgers and counters,
/// rth_active_mfg, rth_eligible, rth_capped, rth_refused_talent, rth_hired, rd_spending.
void talent_schemes(Talent& talent, int year, const TalentParams& p, double innohk_researchers);

/// talent_inflow, then talent_schemes (the phase runs incumbents' hiring between the two).
void talent_year(Talent& talent, int year, const TalentParams& p, double innohk_researchers);

}  // namespace nisim::hk
