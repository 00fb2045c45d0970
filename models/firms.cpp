// Firm synthesis and the yearly firm update (docs/model.md sections 3.1-3.4, 3.6).
#include "models/firms.hpp"

#include <array>
#include <cmath>
#include <string>

#include "engine/error.hpp"
#include "engine/parallel.hpp"
#include "engine/table.hpp"
#include "models/kernel/firm_kernel.hpp"

namespace nisim::hk {

double optimal_log_va(double log_tfp, double wage, const Params& p, int sector, double log_price) {
  // eq. 3.2b with the sector's technology (section 3.2) at output price ln p (eq. 3.9d):
  // ln pY* = [ln p + ln A + alpha_s ln(alpha_s/u) + beta_s ln(beta_s/w_s)] / (1 - alpha_s -
  // beta_s), w_s = w * wage_relative_s.
  const SectorTech t = sector_tech(p, sector);
  const double w = wage * t.wage_relative;
  const double c0 = t.alpha * std::log(t.alpha / p.user_cost) + t.beta * std::log(t.beta / w);
  return (log_price + log_tfp + c0) / (1.0 - t.alpha - t.beta);
}

double log_tfp_for_size(double employment, double wage, const Params& p, int sector,
                        double log_price) {
  // Invert eq. 3.2c (L* = beta_s pY* / w_s) and eq. 3.2b.
  const SectorTech t = sector_tech(p, sector);
  const double w = wage * t.wage_relative;
  const double log_va = std::log(w * employment / t.beta);
  const double c0 = t.alpha * std::log(t.alpha / p.user_cost) + t.beta * std::log(t.beta / w);
  return (1.0 - t.alpha - t.beta) * log_va - c0 - log_price;
}

void init_firm_row(FirmTable& firms, std::size_t row, std::uint64_t id, int sector, int site,
                   double employment, int age, double wage, const Params& p, double log_price) {
  const SectorTech t = sector_tech(p, sector);
  const double log_tfp = log_tfp_for_size(employment, wage, p, sector, log_price);
  const double va = wage * t.wage_relative * employment / t.beta;  // eq. 3.2c at the optimum
  firms.id[row] = id;
  firms.sector[row] = static_cast<std::uint8_t>(sector);
  firms.site[row] = static_cast<std::uint8_t>(site);
  firms.employment[row] = employment;
  firms.capital[row] = t.alpha * va / p.user_cost;  // eq. 3.2c: K* = alpha_s Y* / u
  firms.log_tfp[row] = log_tfp;
  firms.value_added[row] = va;
  firms.cash[row] = p.cash_init * va;                                       // section 3.3
  firms.floor_space[row] = p.sector[sector].floor_per_worker * employment;  // eq. 3.6a
  firms.subsidy[row] = 0.0;
  firms.smart_lines[row] = 0;
  firms.age[row] = static_cast<std::uint16_t>(age);  // init ages are 0..29 (section 3.1)
  firms.new_lines[row] = 0;
  firms.projects[row] = 0;
  firms.line_plan[row] = 0;
  firms.exiting[row] = 0;
  firms.official[row] = 1;
  firms.ramp_years[row] = 0;
}

double line_tfp_gain(int k, const Params& p, int sector) {
  if (k >= p.line_max) return 0.0;
  const SectorTech t = sector_tech(p, sector);
  const double g = p.line_output_gain * std::pow(p.line_gain_decay, k);
  return (1.0 - t.alpha - t.beta) * std::log1p(g);  // eq. 3.4d
}

int site_for(int sector, double u, double innopark_share) {
  // eq. 3.6b: traditional sectors in industrial buildings; a strategic one on an InnoPark
  // estate with probability innopark_share.
  if (sector < k_first_strategic_sector || u >= innopark_share) return site::industrial_buildings;
  return site::innopark_estates;
}

int sector_for(const std::array<double, k_sectors>& cumulative, double u) {
  for (int s = 0; s < k_sectors - 1; ++s) {
    if (u < cumulative[s]) return s;
  }
  return k_sectors - 1;
}

namespace {
std::array<double, k_sectors> cumulative_firm_shares(const Params& p) {
  std::array<double, k_sectors> c{};
  double acc = 0.0;
  for (int s = 0; s < k_sectors; ++s) c[s] = acc += p.sector[s].firm_share;
  return c;
}
}  // namespace

namespace {
/// eq. 3.1a: the base wage w0 that makes base value added sum_i w0 v_s L_i / beta_s equal
/// s0 GDP0 (v_s the sector's relative wage). With one technology in every sector it is
/// beta s0 GDP0 / (v L0), computed in that form; else from the sectors' raw employment sums
/// (`total` is the raw sum over all rows, L_i = L~_i L0 / total).
double base_wage(const FirmTable& f, const Params& p, double total, Parallel& parallel) {
  const SectorTech t0 = sector_tech(p, 0);
  bool uniform = true;
  std::array<double, k_sectors> weight{};  // v_s / beta_s
  for (int s = 0; s < k_sectors; ++s) {
    const SectorTech t = sector_tech(p, s);
    weight[s] = t.wage_relative / t.beta;
    uniform = uniform && t.beta == t0.beta && t.wage_relative == t0.wage_relative;
  }
  if (uniform) return t0.beta / t0.wage_relative * p.mfg_share_base * p.gdp_base / p.employment;
  std::vector<double> partials;
  const double weighted = parallel.reduce(
      rows(f), 0.0, partials,
      [&](std::size_t begin, std::size_t end) {
        double sum = 0.0;
        for (std::size_t i = begin; i < end; ++i) sum += weight[f.sector[i]] * f.employment[i];
        return sum;
      },
      [](double& acc, double x) { acc += x; });
  return p.mfg_share_base * p.gdp_base / (weighted * p.employment / total);
}
}  // namespace

double synthesise_firms(FirmTable& f, const Params& p, const Rng& rng, Parallel& parallel) {
  const auto n = static_cast<std::size_t>(p.firm_count);
  const int year = static_cast<int>(p.base_year);
  resize_rows(f, n);
  const auto cumulative = cumulative_firm_shares(p);
  // Section 3.1: sector by share; size lognormal around the sector median; age uniform on
  // 0..29 years; then sizes are scaled so total employment equals firms.employment. Rows are
  // independent (draws keyed by id) and the total is a block-ordered sum: parallel and exact.
  std::vector<double> partials;
  const double total = parallel.reduce(
      n, 0.0, partials,
      [&](std::size_t begin, std::size_t end) {
        double sum = 0.0;
        for (std::size_t i = begin; i < end; ++i) {
          const std::uint64_t id = i + 1;
          const int s = sector_for(cumulative, rng.uniform(year, id, purpose::init_sector));
          f.sector[i] = static_cast<std::uint8_t>(s);
          f.employment[i] = std::exp(std::log(p.sector[s].size_median) +
                                     p.size_sigma * rng.normal(year, id, purpose::init_size));
          sum += f.employment[i];
        }
        return sum;
      },
      [](double& acc, double x) { acc += x; });
  const double scale = p.employment / total;
  const double wage = base_wage(f, p, total, parallel);
  parallel.for_blocks(n, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint64_t id = i + 1;
      const int s = f.sector[i];
      const int age = static_cast<int>(rng.uniform(year, id, purpose::init_age) * 30.0);
      const int site = site_for(s, rng.uniform(year, id, purpose::init_site), p.innopark_share);
      init_firm_row(f, i, id, s, site, f.employment[i] * scale, age, wage, p,
                    0.0);  // base year: p = 1 (eq. 3.9a)
    }
  });
  return wage;
}

void update_firm_rows(FirmTable& f, std::size_t begin, std::size_t end, const FirmEnvironment& env,
                      const Params& p, const Rng& rng) {
  update_firm_rows(f, begin, end, env, p, rng, simd_target());
}

void update_firm_rows(FirmTable& f, std::size_t begin, std::size_t end, const FirmEnvironment& env,
                      const Params& p, const Rng& rng, SimdTarget target) {
  // The kernel built for `target` (docs/performance.md, "Runtime dispatch"); never one the CPU
  // cannot run.
  UpdateRows* const kernel = simd_target_runs(target) ? firm_kernel(target) : nullptr;
  if (kernel == nullptr) {
    throw Error(ExitCode::usage, std::string("the firm update cannot run target ") +
                                     simd_target_name(target) + " in this binary on this CPU");
  }
  kernel(f, begin, end, KernelConstants(env, p, rng));
}

}  // namespace nisim::hk
