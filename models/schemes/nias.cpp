// Strategic enterprises and NIAS (docs/model.md section 4.2).
#include "models/schemes/nias.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "engine/table.hpp"

#include "models/params.hpp"
#include "models/schemes/talent.hpp"

namespace nisim::hk {

void bind_nias_params(NiasParams& n, EnterpriseParams& e, ParamBinder& b) {
  bind_scheme_terms(n.terms, "schemes.nias",
                    "New Industrialisation Acceleration Scheme (HK$ 10 bn from FY2024-25)", b);
  b.real("schemes.nias.share", n.share,
         {"fraction", 0.0, 1.0, "government share of facility cost; 1:2 = 1/3 (4.2)"});
  b.real("schemes.nias.cap", n.cap, {"HK$ M", 0.0, 1e6, "grant cap per enterprise; 200 (4.2)"});
  b.real("schemes.nias.min_investment", n.min_investment,
         {"HK$ M", 0.0, 1e6, "smallest eligible facility; 200 (4.2)"});
  b.integer("schemes.nias.build_years", n.build_years,
            {"years", 0, 10, "years from commitment to production; assumed (4.2)"});
  b.series("enterprises.talks", e.talks,
           {"enterprises/year", 0.0, 1e5,
            "enterprises entering OASES talks; ~100 by mid 2024, >130 by Jan 2025 (4.2)"});
  b.real("enterprises.conversion_rate", e.conversion_rate,
         {"1/year", 0.0, 1.0, "chance per year in OASES talks of landing; assumed 0.25-1 (4.2)"});
  b.integer("enterprises.talks_years", e.talks_years,
            {"years", 1, 50, "years in OASES talks before giving up; assumed 2-5 (4.2)"});
  b.real("enterprises.production_share", e.production_share,
         {"fraction", 0.0, 1.0, "share planning a production facility in HK; assumed (4.2)"});
  b.real("enterprises.investment_median", e.investment_median,
         {"HK$ M", 1.0, 1e6, "median facility investment; first NIAS grant ~200 on ~600 (4.2)"});
  b.real("enterprises.investment_sigma", e.investment_sigma,
         {"", 0.0, 4.0, "s.d. of log facility investment; assumed (4.2)"});
  b.real("enterprises.margin_mean", e.margin_mean,
         {"", -10.0, 10.0, "mean NPV per HK$ invested before grant; assumed (4.2)"});
  b.real("enterprises.margin_sigma", e.margin_sigma,
         {"", 0.0, 10.0, "s.d. of that margin; assumed (4.2)"});
  b.real("enterprises.decide_rate", e.decide_rate,
         {"1/year", 0.0, 1.0, "chance per year in talks of deciding; assumed (4.2)"});
  b.integer("enterprises.max_talks", e.max_talks,
            {"years", 0, 50, "years in talks before giving up; assumed (4.2)"});
  b.real("enterprises.tech_share", e.tech_share,
         {"fraction", 0.0, 1.0, "technical staff share of a facility's employment (4.2, 4.3)"});
  const char* names[] = {"life_health_tech", "ai_data", "advanced_mfg_new_energy"};
  for (int k = 0; k < 3; ++k) {
    b.real("enterprises.sector_share." + std::string(names[k]), e.sector_share[k],
           {"fraction", 0.0, 1.0, "share of facilities in this strategic sector; assumed (4.2)"});
  }
}

std::array<int, 4> preferred_sites(int sector) {
  // eq. 4.2d: data facilities look first to the Sha Ling data park; others to the HKSTP
  // centres, then the Loop, San Tin and the InnoPark estates.
  if (sector == k_ai_data_sector)
    return {site::sha_ling, site::loop_hsitp, site::san_tin, site::innopark_centres};
  return {site::innopark_centres, site::loop_hsitp, site::san_tin, site::innopark_estates};
}

double nias_grant(const NiasParams& p, int year, double inv) {
  if (!p.terms.open(year) || inv < p.min_investment) return 0.0;
  return std::min(p.share * inv, p.cap);  // eq. 4.2a
}

void oases_year(Enterprises& ent, int year, const EnterpriseParams& ep, const Rng& rng) {
  OasesTalks& q = ent.talks;
  // eq. 4.2b: enterprises entering talks ~ round(a + sqrt(a) z).
  const double a = ep.talks.at(year);
  const double draw = a + std::sqrt(a) * rng.normal(year, 0, purpose::enterprise_count);
  const int n_new = static_cast<int>(std::max(0.0, std::round(draw)));
  ent.talks_cum += n_new;
  for (int j = 0; j < n_new; ++j) {
    q.id.push_back(ent.next_id++);
    q.entered.push_back(year);
  }
  // eq. 4.2f: each year in talks, from the first, an enterprise lands with probability kappa;
  // after talks_years years without landing it gives up.
  ent.landing.clear();
  std::vector<std::uint8_t>& keep = ent.keep;  // scratch: no allocation once warmed up
  keep.assign(q.id.size(), 1);
  for (std::size_t k = 0; k < q.id.size(); ++k) {
    if (rng.uniform(year, q.id[k], purpose::enterprise_land) < ep.conversion_rate) {
      ent.landing.push_back(q.id[k]);
      keep[k] = 0;
    } else if (year - q.entered[k] + 1 >= ep.talks_years) {
      ent.talks_dropped += 1.0;
      keep[k] = 0;
    }
  }
  compact_rows(q, std::span<const std::uint8_t>(keep));
  ent.landed_cum += static_cast<double>(ent.landing.size());
}

void enterprises_year(Enterprises& ent, Land& land, Talent& talent, int year, const NiasParams& np,
                      const EnterpriseParams& ep, const std::array<double, 10>& floor_per_worker,
                      const std::array<double, 10>& jobs_per_investment, const Rng& rng,
                      const std::array<double, 10>& ib_suitable) {
  Prospects& q = ent.prospects;
  oases_year(ent, year, ep, rng);
  // A landed enterprise plans a production facility with probability production_share.
  const double share_sum = ep.sector_share[0] + ep.sector_share[1] + ep.sector_share[2];
  for (const std::uint64_t id : ent.landing) {
    const RandomBits kind = rng.bits(year, id, purpose::enterprise_kind);
    if (Rng::to_open_unit(kind.w[0]) >= ep.production_share) continue;
    const double u = Rng::to_open_unit(kind.w[1]) * share_sum;
    const int sector = u < ep.sector_share[0]                        ? 7
                       : u < ep.sector_share[0] + ep.sector_share[1] ? 8
                                                                     : 9;
    const double inv =
        ep.investment_median *
        std::exp(ep.investment_sigma * rng.normal(year, id, purpose::enterprise_size));
    const double margin =
        ep.margin_mean + ep.margin_sigma * rng.normal(year, id, purpose::enterprise_margin);
    // eqs. 3.8a-c: the facility's staff follow from its investment through its sector's
    // technology (planned at this year's wage, for floor space and technical staff).
    const double employment = inv * jobs_per_investment[sector];
    q.id.push_back(id);
    q.sector.push_back(static_cast<std::uint8_t>(sector));
    q.investment.push_back(inv);
    q.margin.push_back(margin);
    q.arrived.push_back(year);
    q.done.push_back(0);
    q.grant.push_back(0.0);
    q.site.push_back(0);
    q.employment.push_back(employment);
    q.floor.push_back(floor_per_worker[sector] * employment);
  }
  std::vector<std::uint8_t>& keep = ent.keep;  // scratch: no allocation once warmed up
  keep.assign(q.id.size(), 1);
  for (std::size_t k = 0; k < q.id.size(); ++k) {
    if (q.done[k] != 0) {
      // eq. 4.2e: completion: grant paid, space handed from the project to the new firm. The
      // handover is immediate, so no decision later in this loop can take the space.
      if (q.done[k] > year) continue;
      keep[k] = 0;
      if (q.grant[k] > 0.0) ent.nias.pay(q.grant[k]);
      ent.nias.outcomes += 1.0;
      land.unreserve(q.site[k], q.floor[k]);
      land.claim(q.site[k], q.floor[k]);
      ent.plants.push_back({q.sector[k], q.site[k], q.employment[k], q.grant[k], q.investment[k]});
      continue;
    }
    // eq. 4.2c: in talks. Decide with probability decide_rate; give up after max_talks years.
    const std::uint64_t id = q.id[k];
    if (rng.uniform(year, id, purpose::enterprise_decide) >= ep.decide_rate) {
      if (year - q.arrived[k] >= ep.max_talks) {
        keep[k] = 0;
        ent.withdrawn += 1.0;
      }
      continue;
    }
    const double inv = q.investment[k];
    double grant = nias_grant(np, year, inv);
    if (grant > 0.0) ent.nias.applications += 1.0;
    if (grant > 0.0 && !ent.nias.budget.can_commit(grant)) grant = 0.0;
    if (q.margin[k] + grant / inv <= 0.0) {
      keep[k] = 0;
      ent.withdrawn += 1.0;
      continue;
    }
    int chosen = -1;
    for (int s : preferred_sites(q.sector[k])) {
      if (land.reserve(s, q.floor[k])) {
        chosen = s;
        break;
      }
    }
    // eq. 3.6i: converted industrial-building space, last, for a sector it suits.
    if (chosen < 0 && ib_suitable[q.sector[k]] > 0.0 &&
        land.reserve(site::industrial_buildings, q.floor[k])) {
      chosen = site::industrial_buildings;
    }
    if (chosen < 0) {
      ent.waiting_land += 1.0;
    } else if (!talent.hire(ep.tech_share * q.employment[k])) {
      land.unreserve(chosen, q.floor[k]);
      ent.waiting_talent += 1.0;
      chosen = -1;
    }
    if (chosen < 0) {
      if (year - q.arrived[k] >= ep.max_talks) {
        keep[k] = 0;
        ent.withdrawn += 1.0;
      }
      continue;
    }
    q.site[k] = static_cast<std::uint8_t>(chosen);
    q.done[k] = year + static_cast<int>(np.build_years);
    q.grant[k] = grant;
    ent.committed += 1.0;
    if (grant > 0.0) {
      ent.nias.budget.commit(grant);
      ent.nias.approvals += 1.0;
      ent.nias_enterprises += 1.0;
      ent.nias_investment += inv;
    }
  }
  compact_rows(q, std::span<const std::uint8_t>(keep));
}

}  // namespace nisim::hk
