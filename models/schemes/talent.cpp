// Technical staff and talent schemes, and their R&D for the knowledge channel (docs/model.md
// sections 4.3-4.5).
#include "models/schemes/talent.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nisim::hk {

void bind_talent_params(TalentParams& p, ParamBinder& b) {
  b.real("talent.initial_pool", p.initial_pool,
         {"persons", 0.0, 1e8, "technical staff free to hire at base; assumed (4.3)"});
  b.series("talent.graduates", p.graduates,
           {"persons/year", 0.0, 1e8,
            "local post-secondary graduates (UGC first-degree places + VTC); derived (4.3)"});
  b.real("talent.graduate_share", p.graduate_share,
         {"fraction", 0.0, 1.0,
          "share of graduates joining the technical pool; assumed, range 0.01-0.085 (4.3)"});
  b.series("talent.nonlocal_inflow", p.nonlocal_inflow,
           {"persons/year", 0.0, 1e8, "non-local staff admitted (TechTAS etc.); assumed (4.3)"});
  b.real("talent.attrition", p.attrition,
         {"1/year", 0.0, 1.0, "share of the unhired pool leaving each year; assumed (4.3)"});
  bind_scheme_terms(p.rth, "schemes.rth", "Research Talent Hub (ITF)", b);
  b.series("schemes.rth.posts", p.rth_posts,
           {"posts/year", 0.0, 1e7, "posts approved per year; calibrated to 10,500 (2022) (4.4)"});
  b.real("schemes.rth.cost", p.rth_cost,
         {"HK$ M/post-year", 0.0, 100.0, "government cost per post-year; assumed (4.4)"});
  b.integer("schemes.rth.years", p.rth_years, {"years", 1, 20, "years a post lasts (4.4)"});
  b.real("schemes.rth.mfg_share", p.rth_mfg_share,
         {"fraction", 0.0, 1.0, "share of posts in manufacturing firms; assumed (4.4)"});
  b.real("schemes.rth.retention", p.rth_retention,
         {"fraction", 0.0, 1.0, "share of ending posts joining the technical pool (4.3)"});
  b.real("schemes.rth.nias_posts", p.rth_nias_posts,
         {"posts", 0.0, 1e4, "extra posts per NIAS enterprise at 1:1; 36 (4.4)"});
  b.real("schemes.rth.nias_match", p.rth_nias_match,
         {"fraction", 0.0, 1.0, "government share of a NIAS post's cost; 1:1 = 0.5 (4.4)"});
  b.real("schemes.rth.max_per_firm", p.rth_max_per_firm,
         {"posts", 0.0, 1e4, "most general posts a firm holds at once; 4 (4.4)"});
  bind_scheme_terms(p.nittp, "schemes.nittp",
                    "New Industrialisation and Technology Training Programme (2018)", b);
  b.series("schemes.nittp.trainees", p.nittp_trainees,
           {"persons/year", 0.0, 1e7, "trainees per year; assumed (4.4)"});
  b.real("schemes.nittp.cost", p.nittp_cost,
         {"HK$ M/trainee", 0.0, 10.0, "training cost per trainee, government 2/3; assumed (4.4)"});
  bind_scheme_terms(p.ess, "schemes.ess", "Enterprise Support Scheme (ITF)", b);
  b.series("schemes.ess.projects", p.ess_projects,
           {"projects/year", 0.0, 1e6, "projects approved per year; assumed (4.4)"});
  b.real("schemes.ess.project_cost", p.ess_project_cost,
         {"HK$ M", 0.0, 1e4, "mean R&D project cost, 1:1 matching; assumed (4.4)"});
  b.real("schemes.ess.cap", p.ess_cap, {"HK$ M", 0.0, 1e4, "grant cap per project; 10 (4.4)"});
  b.real("schemes.ess.mfg_share", p.ess_mfg_share,
         {"fraction", 0.0, 1.0, "share of projects in manufacturing firms; assumed (4.4)"});
  b.real("knowledge.innohk_spillover", p.innohk_spillover,
         {"fraction", 0.0, 1.0, "share of InnoHK research counted as manufacturing R&D (4.5)"});
  b.real("knowledge.innohk_cost", p.innohk_cost,
         {"HK$ M/researcher-year", 0.0, 100.0, "research spending per InnoHK researcher (4.5)"});
}

namespace {

/// Floor of what `remaining` buys at `each`, between 0 and `want` (all of it if free).
double affordable(double remaining, double each, double want) {
  return each > 0.0 ? std::clamp(std::floor(remaining / each), 0.0, want) : want;
}

/// Y_R, within the ledger of posts by year.
int post_years(const Talent& t, const TalentParams& p) {
  const auto n = static_cast<std::int64_t>(t.rth_general.size());
  return static_cast<int>(std::min<std::int64_t>(p.rth_years, n - 1));
}

/// eq. 4.4e: of `posts` approved posts, each needing `staff_per_post` staff from the pool, as
/// many as the pool can staff; their staff leave the pool, and the staff the others wanted are
/// counted as refused. Returns the posts staffed.
double staff_posts(Talent& t, double posts, double staff_per_post) {
  if (posts <= 0.0 || staff_per_post <= 0.0) return std::max(0.0, posts);
  const double free = std::max(0.0, t.pool);
  const double staffed = std::min(posts, std::floor(free / staff_per_post + 1e-9));
  const double hired = staffed * staff_per_post;
  t.pool -= hired;
  t.hired += hired;
  t.rth_hired += hired;
  t.refused += (posts - staffed) * staff_per_post;
  t.rth_refused_talent += posts - staffed;
  return staffed;
}

/// eqs. 4.4a, 4.4d-e: this year's RTH approvals into rth_general[slot] and rth_nias[slot].
void rth_approve(Talent& t, int year, int slot, int years, const TalentParams& p) {
  const int n = static_cast<int>(t.rth_general.size());
  const double per_post = p.rth_cost * static_cast<double>(p.rth_years);
  // NIAS posts first, outside the per-firm cap, the government paying its share of each.
  const double nias = t.nias_posts_pending;
  const double nias_affordable =
      affordable(t.rth.budget.remaining(), p.rth_nias_match * per_post, nias);
  // eq. 4.4e: a NIAS post is in a manufacturing firm and takes one person from the pool.
  const double nias_ok = staff_posts(t, nias_affordable, 1.0);
  // Section 7.3: NIAS posts are in manufacturing firms by definition; general posts by s_R.
  t.rth.spend(nias_ok * p.rth_nias_match * per_post, 1.0);
  // eq. 4.4d: eligible firms are the manufacturing firms and, through the manufacturing share
  // of posts, the others (E = N^M / s_R); general posts active at once stay within 4 E.
  // With no posts in manufacturing its firms say nothing of the others: no cap (E = N^M kept).
  const bool capped = p.rth_mfg_share > 0.0;
  t.rth_eligible = capped ? t.mfg_firms / p.rth_mfg_share : t.mfg_firms;
  double active = 0.0;  // general posts approved in the years before that are still running
  for (int k = 1; k < years; ++k) active += t.rth_general[((year - k) % n + n) % n];
  const double room = capped ? std::max(0.0, p.rth_max_per_firm * t.rth_eligible - active)
                             : std::numeric_limits<double>::infinity();
  const double want = p.rth_posts.at(year);
  const double allowed = std::min(want, std::floor(room));
  // eq. 4.4e: the share s_R of general posts is in manufacturing firms and hires from the pool.
  const double general =
      staff_posts(t, affordable(t.rth.budget.remaining(), per_post, allowed), p.rth_mfg_share);
  t.rth.spend(general * per_post, p.rth_mfg_share);
  t.rth_capped = want - allowed;
  t.rth.applications += want + nias;
  t.rth.approvals += general + nias_ok;
  t.rth.outcomes += general + nias_ok;
  t.rth_posts_cum += general + nias_ok;
  t.rth_nias[slot] = nias_ok;
  t.rth_general[slot] = general;
}

}  // namespace

bool Talent::hire(double n) {
  if (n > pool + 1e-9) {
    refused += n;
    return false;
  }
  pool -= n;
  hired += n;
  return true;
}

void Talent::new_year() {
  inflow = hired = refused = left = rd_spending = rth_capped = rth_eligible = 0.0;
  rth_refused_talent = rth_hired = 0.0;
  rth.new_year();
  nittp.new_year();
  ess.new_year();
}

double local_inflow(const TalentParams& p, int year) {
  return p.graduate_share * p.graduates.at(year);  // eq. 4.3b: N^loc_t = s_G G_t
}

void talent_inflow(Talent& t, int year, const TalentParams& p) {
  const int n = static_cast<int>(t.rth_general.size());
  const int years = post_years(t, p);
  const int ending_slot = ((year - years) % n + n) % n;
  const double rth_ending = t.rth_general[ending_slot] + t.rth_nias[ending_slot];
  // eq. 4.3a: P_t = (1 - a) P_{t-1} + local + non-local + retained RTH staff - hires.
  t.left = p.attrition * t.pool;
  t.inflow = local_inflow(p, year) + p.nonlocal_inflow.at(year) + p.rth_retention * rth_ending;
  t.pool += t.inflow - t.left;
}

void talent_year(Talent& t, int year, const TalentParams& p, double innohk_researchers) {
  talent_inflow(t, year, p);
  talent_schemes(t, year, p, innohk_researchers);
}

void talent_schemes(Talent& t, int year, const TalentParams& p, double innohk_researchers) {
  const int n = static_cast<int>(t.rth_general.size());
  const int years = post_years(t, p);
  // eq. 4.4a: RTH posts approved this year (NIAS firms' extra posts first), as the budget and
  // the per-firm cap (eq. 4.4d) allow; the government books the post's whole cost (rth_years
  // years, half of it for a NIAS post) as paid on approval, a simplification: in reality it is
  // paid month by month over the post's life.
  const int slot = ((year % n) + n) % n;
  t.rth_general[slot] = t.rth_nias[slot] = 0.0;
  if (p.rth.open(year)) rth_approve(t, year, slot, years, p);
  t.nias_posts_pending = 0.0;
  // Posts active this year: those approved in the last rth_years years (this one included).
  double r_d = 0.0;
  t.rth_active_mfg = 0.0;
  for (int k = 0; k < years; ++k) {
    const int s = ((year - k) % n + n) % n;
    t.rth_active_mfg += p.rth_mfg_share * t.rth_general[s] + t.rth_nias[s];
  }
  r_d += t.rth_active_mfg * p.rth_cost;
  // eq. 4.4b: NITTP pays 2/3 of each trainee's training.
  if (p.nittp.open(year)) {
    const double want = p.nittp_trainees.at(year);
    const double per = p.nittp_cost * 2.0 / 3.0;
    // As many as the budget allows, never fewer than none once it is spent (rounding can
    // leave the remainder a hair below zero).
    const double trainees =
        per > 0.0 ? std::clamp(std::floor(t.nittp.budget.remaining() / per), 0.0, want) : want;
    t.nittp.applications += want;
    t.nittp.approvals += trainees;
    t.nittp.outcomes += trainees;
    t.nittp.spend(trainees * per);  // training works through skills, not R&D (eq. 4.5d)
  }
  // eq. 4.4c: ESS grants min(cost / 2, cap) per project; manufacturing's share counts as R&D.
  if (p.ess.open(year)) {
    const double want = p.ess_projects.at(year);
    const double grant = std::min(p.ess_project_cost / 2.0, p.ess_cap);
    const double projects =
        grant > 0.0 ? std::clamp(std::floor(t.ess.budget.remaining() / grant), 0.0, want) : want;
    t.ess.applications += want;
    t.ess.approvals += projects;
    t.ess.outcomes += projects;
    t.ess.spend(projects * grant);
    r_d += p.ess_mfg_share * projects * p.ess_project_cost;
  }
  r_d += p.innohk_spillover * innohk_researchers * p.innohk_cost;
  t.rd_spending = r_d;
}

}  // namespace nisim::hk
