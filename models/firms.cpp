// Firm synthesis and the yearly firm update (docs/model.md sections 3.1-3.4, 3.6).
#include "models/firms.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>

#include <Eigen/Core>

#include "engine/parallel.hpp"
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

void init_firm_row(FirmTable& firms, std::size_t row, std::uint64_t id, int sector, int site,
                   double employment, int age, double wage, const Params& p) {
  const double log_tfp = log_tfp_for_size(employment, wage, p);
  const double va = wage * employment / p.beta;  // eq. 3.2c at the optimum
  firms.id[row] = id;
  firms.sector[row] = static_cast<std::uint8_t>(sector);
  firms.site[row] = static_cast<std::uint8_t>(site);
  firms.employment[row] = employment;
  firms.capital[row] = p.alpha * va / p.user_cost;  // eq. 3.2c: K* = alpha Y* / u
  firms.log_tfp[row] = log_tfp;
  firms.value_added[row] = va;
  firms.cash[row] = p.cash_init * va;                                       // section 3.3
  firms.floor_space[row] = p.sector[sector].floor_per_worker * employment;  // eq. 3.6a
  firms.subsidy[row] = 0.0;
  firms.smart_lines[row] = 0;
  firms.age[row] = age;
  firms.new_lines[row] = 0;
  firms.projects[row] = 0;
  firms.line_plan[row] = 0;
  firms.exiting[row] = 0;
}

double line_tfp_gain(int k, const Params& p) {
  if (k >= p.line_max) return 0.0;
  const double g = p.line_output_gain * std::pow(p.line_gain_decay, k);
  return (1.0 - p.alpha - p.beta) * std::log1p(g);  // eq. 3.4d
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
  // eq. 3.1a: w0 = beta * s0 * GDP0 / L0 makes base value added equal s0 * GDP0.
  const double wage = p.beta * p.mfg_share_base * p.gdp_base / p.employment;
  parallel.for_blocks(n, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint64_t id = i + 1;
      const int s = f.sector[i];
      const int age = static_cast<int>(rng.uniform(year, id, purpose::init_age) * 30.0);
      const int site = site_for(s, rng.uniform(year, id, purpose::init_site), p.innopark_share);
      init_firm_row(f, i, id, s, site, f.employment[i] * scale, age, wage, p);
    }
  });
  return wage;
}

namespace {

/// Rows per chunk of the firm update: the kernel works on W rows at a time in fixed-size
/// arrays, so every arithmetic and math step is a vectorised loop with no remainder. The last
/// chunk of a range is padded by repeating its last row; padded lanes are never stored. Each
/// row therefore goes through exactly the same instructions wherever it sits, which keeps
/// results bitwise independent of block boundaries and thread count.
constexpr int W = 64;
using Lanes = Eigen::Array<double, W, 1>;

/// The year's constants of eqs. 3.2-3.4, hoisted out of the row loop.
struct KernelConstants {
  explicit KernelConstants(const FirmEnvironment& env, const Params& p) {
    alpha = p.alpha;
    beta = p.beta;
    rts = 1.0 - alpha - beta;
    const double log_w = std::log(env.wage), log_u = std::log(p.user_cost);
    c0 = alpha * (std::log(alpha) - log_u) + beta * (std::log(beta) - log_w);
    c_l = std::log(beta) - log_w;
    c_k = std::log(alpha) - log_u;
    wage = env.wage;
    user_cost = p.user_cost;
    net_cost = p.line_cost - env.line_grant;
    line_cost = p.line_cost;
    project_limit = env.project_limit;
    line_floor = env.line_floor;
    const double rho = p.discount_rate;
    // eq. 3.4b: annuity factor of a gain lasting H years at discount rate rho.
    const double annuity =
        rho > 0.0 ? (1.0 - std::pow(1.0 + rho, -p.line_horizon)) / rho : p.line_horizon;
    // eq. 3.4b in logs: adopt iff ln Y + ln(a (1-alpha-beta) g_k) + sn z - sn^2/2 > ln(C - G).
    log_value_factor = std::log(annuity * rts);
    log_net_cost = net_cost > 0.0 ? std::log(net_cost) : -std::numeric_limits<double>::infinity();
    const int max_lines = static_cast<int>(p.line_max);
    for (int k = 0; k <= 64; ++k) {
      const double g = k < max_lines ? p.line_output_gain * std::pow(p.line_gain_decay, k) : 0.0;
      log_gain[k] = g > 0.0 ? std::log(g) : -std::numeric_limits<double>::infinity();
    }
    for (int s = 0; s < k_sectors; ++s) {
      drift[s] = p.tfp_drift + p.sector[s].tfp_drift_extra + env.tfp_bonus;  // eq. 4.5a
      floor[s] = p.sector[s].floor_per_worker;
    }
    floor_factor = env.floor_factor;
    rent_extra = env.rent_extra;
  }
  double alpha, beta, rts, c0, c_l, c_k, wage, user_cost, net_cost, line_cost;
  double log_value_factor, log_net_cost, project_limit, line_floor;
  std::array<double, 65> log_gain{};
  std::array<double, k_sectors> drift{}, floor{};
  std::array<double, k_sites> floor_factor{}, rent_extra{};
};

}  // namespace

void update_firm_rows(FirmTable& f, std::size_t begin, std::size_t end, const FirmEnvironment& env,
                      const Params& p, const Rng& rng) {
  const KernelConstants k(env, p);
  const double lambda = p.adjust_speed, sigma = p.tfp_sigma;
  const double payout = p.payout, credit = p.credit_limit;
  const double sn = p.line_noise_sigma, noise_mean = -0.5 * sn * sn;
  const double young = static_cast<double>(p.young_age);
  const double hazard_young = p.exit_hazard_young, hazard_mature = p.exit_hazard_mature;

  // Lanes live in plain aligned arrays (row j of the chunk in element j), so the copy loops
  // vectorise; Eigen maps over them for the math (vectorised exp, log, sqrt).
  using Map = Eigen::Map<Lanes, Eigen::Aligned64>;
  alignas(64) std::uint64_t id[W];
  alignas(64) std::uint32_t bits[4][W];
  alignas(64) double log_a[W], l0[W], k0[W], cash0[W], lines[W], age0[W], drift[W], floor_pw[W];
  alignas(64) double projects[W], rent_x[W];
  alignas(64) double u_r[W], u_exit[W], z_tfp[W], z_line[W], log_gain[W];
  alignas(64) double out_l[W], out_k[W], out_y[W], out_cash[W], out_floor[W];
  alignas(64) double out_plan[W], out_age[W], out_exit[W], log_y[W];

  // Copy rows [c, c + m) into the lanes; lanes past m repeat row c + m - 1. Full chunks take
  // the straight-line copy.
  auto gather = [&](std::size_t c, std::size_t m, auto full) {
    for (int j = 0; j < W; ++j) {
      const std::size_t i = decltype(full)::value ? c + j : c + std::min<std::size_t>(j, m - 1);
      id[j] = f.id[i];
      log_a[j] = f.log_tfp[i];
      l0[j] = f.employment[i];
      k0[j] = f.capital[i];
      cash0[j] = f.cash[i];
      lines[j] = f.smart_lines[i];
      age0[j] = f.age[i];
      drift[j] = k.drift[f.sector[i]];
      const int site = f.site[i];
      floor_pw[j] = k.floor[f.sector[i]] * k.floor_factor[site];
      rent_x[j] = k.rent_extra[site];
      projects[j] = f.projects[i];
    }
  };
  // Copy lanes [0, count) back to rows [c, c + count). The column pointers are hoisted into
  // restrict-qualified locals: the uint8 stores could otherwise alias the vectors' own data
  // pointers, forcing a reload after every store and blocking vectorisation.
  double* __restrict o_log_tfp = f.log_tfp.data();
  double* __restrict o_employment = f.employment.data();
  double* __restrict o_capital = f.capital.data();
  double* __restrict o_value_added = f.value_added.data();
  double* __restrict o_cash = f.cash.data();
  double* __restrict o_floor = f.floor_space.data();
  double* __restrict o_subsidy = f.subsidy.data();
  std::int32_t* __restrict o_age = f.age.data();
  std::uint8_t* __restrict o_new = f.new_lines.data();
  std::uint8_t* __restrict o_plan = f.line_plan.data();
  std::uint8_t* __restrict o_exit = f.exiting.data();
  // Store through Eigen maps (its own vectorised copy and cast loops).
  using Dyn = Eigen::Array<double, Eigen::Dynamic, 1>;
  auto scatter = [&](std::size_t c, Eigen::Index count) {
    auto put = [&](auto* column, const double* lanes) {
      using T = std::remove_pointer_t<decltype(column)>;
      Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>(column + c, count) =
          Eigen::Map<const Dyn>(lanes, count).template cast<T>();
    };
    put(o_log_tfp, log_a);
    put(o_employment, out_l);
    put(o_capital, out_k);
    put(o_value_added, out_y);
    put(o_cash, out_cash);
    put(o_floor, out_floor);
    put(o_age, out_age);
    put(o_plan, out_plan);
    put(o_exit, out_exit);
    // Lines completed and grants received are set later in the year (eq. 4.1d).
    std::fill(o_subsidy + c, o_subsidy + c + count, 0.0);
    std::fill(o_new + c, o_new + c + count, std::uint8_t{0});
  };

  for (std::size_t c = begin; c < end; c += W) {
    const std::size_t m = std::min<std::size_t>(W, end - c);
    if (m == W) {
      gather(c, m, std::true_type{});
    } else {
      gather(c, m, std::false_type{});
    }
    for (int j = 0; j < W; ++j) {
      // The next line is the (lines + projects + 1)-th: its gain is what a new project adds.
      const int n_lines = std::min(static_cast<int>(lines[j] + projects[j]), 64);
      log_gain[j] = k.log_gain[n_lines];
    }
    // One Philox block per firm-year (section 2.3): words 0-1 give two normals by Box-Muller
    // (the TFP shock and the line-gain noise), word 2 the exit uniform.
    bits_chunk<W>(rng, env.year, id, purpose::firm_update, 0, bits);
    for (int j = 0; j < W; ++j) {
      u_r[j] = Rng::to_open_unit(bits[0][j]);
      u_exit[j] = Rng::to_open_unit(bits[2][j]);
      Rng::sincos_2pi(Rng::to_open_unit(bits[1][j]), z_line[j], z_tfp[j]);
    }
    const Lanes radius = (-2.0 * Map(u_r).log()).sqrt();
    const Lanes zt = Map(z_tfp) * radius, zl = Map(z_line) * radius;

    // eq. 3.2a: log TFP random walk with drift.
    Map la(log_a);
    la += Map(drift) + sigma * zt;
    // eq. 3.2b-d: move log L and log K a share lambda towards their optimum.
    const Lanes log_y_star = (la + k.c0) / k.rts;
    const Lanes log_l0 = Map(l0).log(), log_k0 = Map(k0).log();
    const Lanes log_l = log_l0 + lambda * (k.c_l + log_y_star - log_l0);
    const Lanes log_k = log_k0 + lambda * (k.c_k + log_y_star - log_k0);
    Map l(out_l), cap(out_k), y(out_y), cash(out_cash);
    l = log_l.exp();
    cap = log_k.exp();
    // eq. 3.2e: value added.
    Map{log_y} = la + k.alpha * log_k + k.beta * log_l;
    y = Map(log_y).exp();
    // eq. 3.6a: floor space for workers (per-worker need scaled by the site's rent, eq. 3.6d)
    // and for lines held or in progress.
    Map fl(out_floor);
    fl = Map(floor_pw) * l + k.line_floor * (Map(lines) + Map(projects));
    // eq. 3.3a-b: profit after wages, the user cost of capital and rent above its base level;
    // retained share to cash.
    const Lanes profit = y - k.wage * l - k.user_cost * cap - Map(rent_x) * fl;
    cash = Map(cash0) + profit - payout * profit.max(0.0);
    const double* z_gain = zl.data();
    // The decisions, as one branch-free loop over lanes (compiled to masked vector operations;
    // Eigen's boolean arrays would be evaluated one lane at a time).
    for (int j = 0; j < W; ++j) {
      // eq. 3.4b-c: plan a smart line if its valued gain exceeds its cost net of the grant it
      // would get, the firm can pay the whole cost now from cash and credit (the grant comes on
      // completion, eq. 4.1d), and it has fewer projects than the limit (eq. 4.1b). log_gain is
      // -inf at the line cap. The plan becomes a line only if approved and housed (section 4.1).
      const bool worth_it =
          log_y[j] + k.log_value_factor + log_gain[j] + sn * z_gain[j] + noise_mean >
          k.log_net_cost;
      const bool can_pay = out_cash[j] + credit * out_k[j] >= k.line_cost;
      const bool room = projects[j] < k.project_limit;
      out_plan[j] = (worth_it & can_pay & room) ? 1.0 : 0.0;
      // eq. 3.3c: exit by hazard or by insolvency beyond the credit limit.
      const double age = age0[j] + 1.0;
      const double hazard = age < young ? hazard_young : hazard_mature;
      const bool exits = (u_exit[j] < hazard) | (out_cash[j] < -credit * out_k[j]);
      out_exit[j] = exits ? 1.0 : 0.0;
      out_age[j] = age;
    }

    scatter(c, static_cast<Eigen::Index>(m));
  }
}

}  // namespace nisim::hk
