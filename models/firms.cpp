// Firm synthesis and the yearly firm update (docs/model.md sections 3.1-3.4, 3.6).
#include "models/firms.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "engine/table.hpp"

namespace nisim::hk {

double optimal_log_va(double log_tfp, double wage, const Params& p) {
  // eq. 3.2b: ln Y* = [ln A + alpha ln(alpha/u) + beta ln(beta/w)] / (1 - alpha - beta)
  const double c0 = p.alpha * std::log(p.alpha / p.user_cost) + p.beta * std::log(p.beta / wage);
  return (log_tfp + c0) / (1.0 - p.alpha - p.beta);
}

double log_tfp_for_size(double employment, double wage, const Params& p) {
  // Invert eq. 3.2c (L* = beta Y* / w) and eq. 3.2b.
  const double log_va = std::log(wage * employment / p.beta);
  const double c0 = p.alpha * std::log(p.alpha / p.user_cost) + p.beta * std::log(p.beta / wage);
  return (1.0 - p.alpha - p.beta) * log_va - c0;
}

void init_firm_row(FirmTable& f, std::size_t i, std::uint64_t id, int sector, int site,
                   double employment, int age, double wage, const Params& p) {
  const double log_tfp = log_tfp_for_size(employment, wage, p);
  const double va = wage * employment / p.beta;  // eq. 3.2c at the optimum
  f.id[i] = id;
  f.sector[i] = static_cast<std::uint8_t>(sector);
  f.site[i] = static_cast<std::uint8_t>(site);
  f.employment[i] = employment;
  f.capital[i] = p.alpha * va / p.user_cost;  // eq. 3.2c: K* = alpha Y* / u
  f.log_tfp[i] = log_tfp;
  f.value_added[i] = va;
  f.cash[i] = p.cash_init * va;                                       // section 3.3
  f.floor_space[i] = p.sector[sector].floor_per_worker * employment;  // eq. 3.6a
  f.subsidy[i] = 0.0;
  f.smart_lines[i] = 0;
  f.age[i] = age;
  f.new_lines[i] = 0;
  f.exiting[i] = 0;
}

int site_for(int sector, double u) {
  if (sector < k_first_strategic_sector) return 0;  // industrial buildings
  // Strategic firms: one of the three innovation parks, equally likely (section 3.6).
  return 1 + std::min(2, static_cast<int>(u * 3.0));
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

double synthesise_firms(FirmTable& f, const Params& p, const Rng& rng) {
  const auto n = static_cast<std::size_t>(p.firm_count);
  const int year = static_cast<int>(p.base_year);
  resize_rows(f, n);
  const auto cumulative = cumulative_firm_shares(p);
  // Section 3.1: sector by share; size lognormal around the sector median; age uniform on
  // 0..29 years; then sizes are scaled so total employment equals firms.employment.
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t id = i + 1;
    const int s = sector_for(cumulative, rng.uniform(year, id, purpose::init_sector));
    f.sector[i] = static_cast<std::uint8_t>(s);
    f.employment[i] = std::exp(std::log(p.sector[s].size_median) +
                               p.size_sigma * rng.normal(year, id, purpose::init_size));
    total += f.employment[i];
  }
  const double scale = p.employment / total;
  // eq. 3.1a: w0 = beta * s0 * GDP0 / L0 makes base value added equal s0 * GDP0.
  const double wage = p.beta * p.mfg_share_base * p.gdp_base / p.employment;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t id = i + 1;
    const int s = f.sector[i];
    const int age = static_cast<int>(rng.uniform(year, id, purpose::init_age) * 30.0);
    const int site = site_for(s, rng.uniform(year, id, purpose::init_site));
    init_firm_row(f, i, id, s, site, f.employment[i] * scale, age, wage, p);
  }
  return wage;
}

void update_firm_rows(FirmTable& f, std::size_t begin, std::size_t end, const FirmEnvironment& env,
                      const Params& p, const Rng& rng) {
  // Constants of the year, hoisted out of the row loop.
  const double alpha = p.alpha, beta = p.beta, rts = 1.0 - alpha - beta;
  const double log_w = std::log(env.wage), log_u = std::log(p.user_cost);
  const double c0 = alpha * (std::log(alpha) - log_u) + beta * (std::log(beta) - log_w);
  const double c_l = std::log(beta) - log_w, c_k = std::log(alpha) - log_u;
  const double lambda = p.adjust_speed, sigma = p.tfp_sigma;
  const double payout = p.payout, credit = p.credit_limit;
  const double net_cost = p.line_cost - env.line_grant;
  const double rho = p.discount_rate;
  // eq. 3.4b: annuity factor of a gain lasting H years at discount rate rho.
  const double annuity =
      rho > 0.0 ? (1.0 - std::pow(1.0 + rho, -p.line_horizon)) / rho : p.line_horizon;
  const double sn = p.line_noise_sigma, noise_mean = -0.5 * sn * sn;
  const int young = static_cast<int>(p.young_age);
  const double hazard_young = p.exit_hazard_young, hazard_mature = p.exit_hazard_mature;
  const int max_lines = static_cast<int>(p.line_max);
  std::array<double, k_sectors> drift{}, floor{};
  for (int s = 0; s < k_sectors; ++s) {
    drift[s] = p.tfp_drift + p.sector[s].tfp_drift_extra;
    floor[s] = p.sector[s].floor_per_worker;
  }
  // eq. 3.4a: gain of the (k+1)-th line and its log-TFP increment (eq. 3.4d); zero at the cap.
  std::array<double, 66> gain{}, dlog_tfp{};
  for (int k = 0; k < max_lines; ++k) {
    gain[k] = p.line_output_gain * std::pow(p.line_gain_decay, k);
    dlog_tfp[k] = rts * std::log1p(gain[k]);
  }
  const int year = env.year;
  const double w = env.wage, u = p.user_cost;

  for (std::size_t i = begin; i < end; ++i) {
    const std::uint64_t id = f.id[i];
    // eq. 3.2a: log TFP random walk with drift.
    double log_a =
        f.log_tfp[i] + drift[f.sector[i]] + sigma * rng.normal(year, id, purpose::tfp_shock);
    // eq. 3.2b-d: move log L and log K a share lambda towards their optimum.
    const double log_y_star = (log_a + c0) / rts;
    const double log_l0 = std::log(f.employment[i]), log_k0 = std::log(f.capital[i]);
    const double log_l = log_l0 + lambda * (c_l + log_y_star - log_l0);
    const double log_k = log_k0 + lambda * (c_k + log_y_star - log_k0);
    const double l = std::exp(log_l), k_cap = std::exp(log_k);
    // eq. 3.2e: value added.
    const double y = std::exp(log_a + alpha * log_k + beta * log_l);
    // eq. 3.3a-b: profit after wages and the user cost of capital; retained share to cash.
    const double profit = y - w * l - u * k_cap;
    double cash = f.cash[i] + profit - payout * std::max(profit, 0.0);
    // eq. 3.4b-c: add a smart line if its valued gain exceeds its cost net of the grant and
    // the firm can pay for it from cash and credit.
    const int lines = std::min(f.smart_lines[i], 64);
    const double noise = std::exp(sn * rng.normal(year, id, purpose::line_gain) + noise_mean);
    const double npv = annuity * rts * y * gain[lines] * noise - net_cost;
    const bool adopt = (npv > 0.0) & (cash + credit * k_cap >= net_cost) & (lines < max_lines);
    // eq. 3.4d: the line raises TFP from next year; the firm pays cost less grant now.
    log_a += adopt ? dlog_tfp[lines] : 0.0;
    cash -= adopt ? net_cost : 0.0;
    // eq. 3.3c: exit by hazard or by insolvency beyond the credit limit.
    const int age = f.age[i] + 1;
    const double hazard = age < young ? hazard_young : hazard_mature;
    const bool exits = (rng.uniform(year, id, purpose::exit) < hazard) | (cash < -credit * k_cap);

    f.log_tfp[i] = log_a;
    f.employment[i] = l;
    f.capital[i] = k_cap;
    f.value_added[i] = y;
    f.cash[i] = cash;
    f.floor_space[i] = floor[f.sector[i]] * l;  // eq. 3.6a
    f.subsidy[i] = adopt ? env.line_grant : 0.0;
    f.smart_lines[i] = lines + static_cast<int>(adopt);
    f.new_lines[i] = static_cast<std::uint8_t>(adopt);
    f.age[i] = age;
    f.exiting[i] = static_cast<std::uint8_t>(exits);
  }
}

}  // namespace nisim::hk
