// Firm synthesis and the yearly firm update (docs/model.md sections 3.1-3.4, 3.6).
#include "models/firms.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "engine/parallel.hpp"
#include "engine/table.hpp"
#include "engine/vecmath.hpp"

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
  firms.age[row] = age;
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

namespace {

/// Rows per chunk of the firm update: the kernel works on W rows at a time, so every loop has a
/// fixed trip count and vectorises with no remainder. The last chunk of a range is copied into
/// padded buffers (its last row repeated) and goes through the same compiled function as a full
/// chunk; padded lanes are never stored. Each row therefore goes through exactly the same
/// instructions wherever it sits, which keeps results bitwise independent of block boundaries
/// and thread count.
constexpr int W = 64;

/// The year's constants of eqs. 3.2-3.4 and the draw's key, hoisted out of the row loop.
struct KernelConstants {
  explicit KernelConstants(const FirmEnvironment& env, const Params& p, const Rng& rng) {
    const double log_u = std::log(p.user_cost);
    user_cost = p.user_cost;
    const double net_cost = p.line_cost - env.line_grant;
    line_cost = p.line_cost;
    project_limit = env.project_limit;
    line_floor = env.line_floor;
    const double rho = p.discount_rate;
    // eq. 3.4b: annuity factor of a gain lasting H years at discount rate rho.
    const double annuity =
        rho > 0.0 ? (1.0 - std::pow(1.0 + rho, -p.line_horizon)) / rho : p.line_horizon;
    // Each sector's technology (section 3.2): elasticities, wage w_s = w v_s, and the terms of
    // eqs. 3.2b-c and 3.4b that depend on them.
    for (int s = 0; s < k_sectors; ++s) {
      const SectorTech t = sector_tech(p, s);
      const double a = t.alpha, b = t.beta, rts = 1.0 - a - b;
      // eq. 4.6e: the sector's wage includes its technical staff's wage factor; eq. 3.6h: the
      // cost of hiring also counts the scarcity rent of a worker's floor space, which the
      // profit of eq. 3.3a already charges (rent above base times floor space).
      const double w = env.wage * t.wage_relative * env.wage_factor[s];
      const double log_w = std::log(w + env.floor_cost[s]);
      alpha[s] = a;
      beta[s] = b;
      inv_rts[s] = 1.0 / rts;  // eq. 3.2b divides by rts: a product per row, not a division
      c0[s] = a * (std::log(a) - log_u) + b * (std::log(b) - log_w);
      c_l[s] = std::log(b) - log_w;
      c_k[s] = std::log(a) - log_u;
      wage[s] = w;
      // eq. 3.4b in logs: adopt iff ln Y + ln(a (1-alpha-beta) g_k) + sn z - sn^2/2 > ln(C - G).
      log_value_factor[s] = std::log(annuity * rts);
    }
    log_net_cost = net_cost > 0.0 ? std::log(net_cost) : -std::numeric_limits<double>::infinity();
    log_cost = p.line_cost > 0.0 ? std::log(p.line_cost) : -std::numeric_limits<double>::infinity();
    // eq. 3.4d in logs: ln g_k = ln g_0 + k ln(decay) for k < max_per_firm, else -inf. A zero
    // decay leaves only the first line with a gain (k ln 0 is -inf for k >= 1, not NaN at k = 0).
    max_lines = static_cast<double>(p.line_max);
    log_gain0 = p.line_output_gain > 0.0 ? std::log(p.line_output_gain)
                                         : -std::numeric_limits<double>::infinity();
    decays = p.line_gain_decay > 0.0;
    log_decay = decays ? std::log(p.line_gain_decay) : 0.0;
    inv_neg_log_decay = log_decay < 0.0 ? -1.0 / log_decay : 0.0;
    for (int s = 0; s < k_sectors; ++s) {
      drift[s] = p.tfp_drift + p.sector[s].tfp_drift_extra + env.tfp_bonus;  // eq. 4.5a
      floor[s] = p.sector[s].floor_per_worker;
      log_price[s] = env.log_price[s];  // eq. 3.9d: the price firms plan with
    }
    for (int w = 0; w < k_sites; ++w) {
      floor_factor[w] = env.floor_factor[w];
      rent_extra[w] = env.rent_extra[w];
    }
    lambda = p.adjust_speed;
    sigma = p.tfp_sigma;
    payout = p.payout;
    credit = p.credit_limit;
    sn = p.line_noise_sigma;
    noise_mean = -0.5 * sn * sn;  // eq. 3.4b: the noise has mean 1
    young = static_cast<double>(p.young_age);
    hazard_young = p.exit_hazard_young;
    hazard_mature = p.exit_hazard_mature;
    key0 = rng.key_word(0);
    key1 = rng.key_word(1);
    year = static_cast<std::uint32_t>(env.year);
    tag = philox_tag(purpose::firm_update, 0);
  }
  double user_cost, line_cost;
  double log_net_cost, log_cost, project_limit, line_floor;
  double max_lines, log_gain0, log_decay, inv_neg_log_decay;
  bool decays;
  double lambda, sigma, payout, credit, sn, noise_mean, young, hazard_young, hazard_mature;
  std::uint32_t key0, key1, year, tag;
  // Sector and site tables, padded to one or two AVX-512 registers for in-register lookups.
  alignas(64) std::array<double, 16> drift{}, floor{}, log_price{};
  alignas(64) std::array<double, 16> alpha{}, beta{}, inv_rts{}, c0{}, c_l{}, c_k{}, wage{},
      log_value_factor{};
  alignas(64) std::array<double, 8> floor_factor{}, rent_extra{};
};
static_assert(k_sectors <= 16 && k_sites <= 8, "lookups assume 16 sectors and 8 sites at most");

/// The per-row inputs of one chunk that come from narrow columns or small tables, widened to
/// doubles by the chunk's first loop so that the main loop works on 8-byte lanes only.
struct alignas(64) NarrowLanes {
  double drift[W];       ///< TFP drift of the firm's sector, eq. 4.5a
  double log_price[W];   ///< ln p of the firm's sector that it plans with, eq. 3.9d
  double floor_pw[W];    ///< floor space per worker at the firm's site, m2 (eq. 3.6a, 3.6d)
  double rent_x[W];      ///< rent above base at the firm's site, HK$ M/m2/year (eq. 3.3a)
  double lines[W];       ///< smart lines held
  double projects[W];    ///< line projects applied for or being built
  double age[W];         ///< age before this year's update, years
  double ramp_years[W];  ///< a plant's ramp-up years (eq. 3.8e); 0 for other firms
  // The firm's sector technology (section 3.2, eqs. 3.2b-c, 3.4b).
  double alpha[W], beta[W], inv_rts[W], c0[W], c_l[W], c_k[W], wage[W], log_value_factor[W];
};

/// Per-row values from the sector and site tables: TFP drift (eq. 4.5a), output price (3.9d),
/// the sector's technology (section 3.2), floor space per worker (eq. 3.6a scaled by the site's
/// factor, eq. 3.6d) and rent above base (eq. 3.3a). With AVX-512
/// each table sits in one or two registers and a lookup is one permute per 8 rows; a gather from
/// memory costs several times more. Both paths give the same values (lookups and one product).
void lookup_sector_site(const KernelConstants& k, const std::uint8_t (&sector)[W],
                        const std::uint8_t (&site)[W], NarrowLanes& in) noexcept {
#if defined(__AVX512F__)
  const __m512d drift_lo = _mm512_load_pd(k.drift.data()), drift_hi = _mm512_load_pd(&k.drift[8]);
  const __m512d floor_lo = _mm512_load_pd(k.floor.data()), floor_hi = _mm512_load_pd(&k.floor[8]);
  const __m512d price_lo = _mm512_load_pd(k.log_price.data()),
                price_hi = _mm512_load_pd(&k.log_price[8]);
  const __m512d factor = _mm512_load_pd(k.floor_factor.data());
  const __m512d rent = _mm512_load_pd(k.rent_extra.data());
  // The masked forms with every lane set: the unmasked ones trip GCC 12's -Wmaybe-uninitialized
  // inside its own header (GCC bug 105593).
  constexpr __mmask8 all = 0xFF;
  for (int j = 0; j < W; j += 8) {
    const __m512i s = _mm512_maskz_cvtepu8_epi64(
        all, _mm_loadl_epi64(reinterpret_cast<const __m128i*>(&sector[j])));
    const __m512i w = _mm512_maskz_cvtepu8_epi64(
        all, _mm_loadl_epi64(reinterpret_cast<const __m128i*>(&site[j])));
    _mm512_store_pd(&in.drift[j], _mm512_permutex2var_pd(drift_lo, s, drift_hi));
    _mm512_store_pd(&in.log_price[j], _mm512_permutex2var_pd(price_lo, s, price_hi));
    const auto by_sector = [&s](const std::array<double, 16>& table, double* out) {
      _mm512_store_pd(
          out, _mm512_permutex2var_pd(_mm512_load_pd(table.data()), s, _mm512_load_pd(&table[8])));
    };
    by_sector(k.alpha, &in.alpha[j]);
    by_sector(k.beta, &in.beta[j]);
    by_sector(k.inv_rts, &in.inv_rts[j]);
    by_sector(k.c0, &in.c0[j]);
    by_sector(k.c_l, &in.c_l[j]);
    by_sector(k.c_k, &in.c_k[j]);
    by_sector(k.wage, &in.wage[j]);
    by_sector(k.log_value_factor, &in.log_value_factor[j]);
    _mm512_store_pd(&in.floor_pw[j], _mm512_mul_pd(_mm512_permutex2var_pd(floor_lo, s, floor_hi),
                                                   _mm512_maskz_permutexvar_pd(all, w, factor)));
    _mm512_store_pd(&in.rent_x[j], _mm512_maskz_permutexvar_pd(all, w, rent));
  }
#else
  for (int j = 0; j < W; ++j) {
    in.drift[j] = k.drift[sector[j]];
    in.log_price[j] = k.log_price[sector[j]];
    in.alpha[j] = k.alpha[sector[j]];
    in.beta[j] = k.beta[sector[j]];
    in.inv_rts[j] = k.inv_rts[sector[j]];
    in.c0[j] = k.c0[sector[j]];
    in.c_l[j] = k.c_l[sector[j]];
    in.c_k[j] = k.c_k[sector[j]];
    in.wage[j] = k.wage[sector[j]];
    in.log_value_factor[j] = k.log_value_factor[sector[j]];
    in.floor_pw[j] = k.floor[sector[j]] * k.floor_factor[site[j]];
    in.rent_x[j] = k.rent_extra[site[j]];
  }
#endif
}

/// Where the main loop reads and writes one chunk's 8-byte columns: the table's own columns at the
/// chunk's first row (full chunk), or padded copies (last chunk). Updated in place: log TFP,
/// employment, capital, cash. The narrow results (age, plan, exit) come back as doubles.
struct WideRows {
  const std::uint64_t* id;
  double* log_tfp;
  double* employment;
  double* capital;
  double* cash;
  double* value_added;
  double* floor_space;
  double* subsidy;
  double* plan;  ///< 0 if no plan, else 1 + lines that pay without a grant (eq. 3.4e)
  double* exit;  ///< 1.0 if the firm exits, else 0.0
  double* age;   ///< age after this year's update
};

/// The firm update of W rows (sections 3.2-3.4): loops over lanes with every value in 8-byte
/// lanes, so each compiles to a vectorised body with no remainder. Not inlined, so the full and
/// the padded last chunk run literally the same instructions.
[[gnu::noinline]] void update_chunk(const KernelConstants& k, const NarrowLanes& in,
                                    const WideRows& r) noexcept {
  const std::uint64_t* __restrict id = r.id;
  double* __restrict log_tfp = r.log_tfp;
  double* __restrict employment = r.employment;
  double* __restrict capital = r.capital;
  double* __restrict cash = r.cash;
  double* __restrict value_added = r.value_added;
  double* __restrict floor_space = r.floor_space;
  double* __restrict subsidy = r.subsidy;
  double* __restrict plan = r.plan;
  double* __restrict exits = r.exit;
  double* __restrict age = r.age;
  // Every constant in a local, so the loop body reads no memory but its lanes.
  const double user_cost = k.user_cost, line_floor = k.line_floor;
  const double log_net_cost = k.log_net_cost, log_cost = k.log_cost;
  const double line_cost = k.line_cost, project_limit = k.project_limit;
  const double max_lines = k.max_lines, log_gain0 = k.log_gain0, log_decay = k.log_decay,
               inv_neg_log_decay = k.inv_neg_log_decay;
  const bool decays = k.decays;
  constexpr double minus_inf = -std::numeric_limits<double>::infinity();
  const double lambda = k.lambda, sigma = k.sigma, payout = k.payout, credit = k.credit;
  const double sn = k.sn, noise_mean = k.noise_mean, young = k.young;
  const double hazard_young = k.hazard_young, hazard_mature = k.hazard_mature;
  const std::uint32_t key0 = k.key0, key1 = k.key1, year = k.year, tag = k.tag;
  // Four loops over the lanes, each with a short body, so the core overlaps the long dependency
  // chains (ten Philox rounds, then log, sqrt and the polynomials) of several vectors at once;
  // one fused loop measured slower (docs/performance.md). Lane j reads and writes element j of
  // each array only, and the arrays are distinct columns or buffers: no dependence between lanes,
  // which GCC cannot prove through the struct's pointers (hence ivdep).
  alignas(64) double u_r[W], u_theta[W], u_exit[W], z_tfp[W], z_line[W], log_l0[W], log_k0[W],
      log_va[W];
  // One Philox block per firm-year (section 2.3): words 0-1 give two normals by Box-Muller (the
  // TFP shock and the line-gain noise), word 2 the exit uniform.
  alignas(64) std::uint64_t bits[4][W];
  philox_chunk<W>(key0, key1, id, year, tag, bits);
  for (int j = 0; j < W; ++j) {
    u_r[j] = Rng::to_open_unit(bits[0][j]);
    u_theta[j] = Rng::to_open_unit(bits[1][j]);
    u_exit[j] = Rng::to_open_unit(bits[2][j]);
  }
#pragma GCC ivdep
  for (int j = 0; j < W; ++j) {
    double sin_theta, cos_theta;
    Rng::sincos_2pi(u_theta[j], sin_theta, cos_theta);
    const double radius = std::sqrt(-2.0 * vecmath::log(u_r[j]));
    z_tfp[j] = radius * cos_theta;
    z_line[j] = radius * sin_theta;
    log_l0[j] = vecmath::log(employment[j]);
    log_k0[j] = vecmath::log(capital[j]);
  }
#pragma GCC ivdep
  for (int j = 0; j < W; ++j) {
    // eq. 3.2a: log TFP random walk with drift.
    const double la = log_tfp[j] + in.drift[j] + sigma * z_tfp[j];
    // eq. 3.2b-d with the sector's technology: move log L and log K a share lambda towards
    // their optimum at the price the firm plans with (eq. 3.9d); the clearing price corrects
    // them afterwards (eq. 3.9e).
    const double log_y_star = (la + in.log_price[j] + in.c0[j]) * in.inv_rts[j];  // no division
    const double log_l = log_l0[j] + lambda * (in.c_l[j] + log_y_star - log_l0[j]);
    const double log_k = log_k0[j] + lambda * (in.c_k[j] + log_y_star - log_k0[j]);
    const double l = vecmath::exp(log_l), cap = vecmath::exp(log_k);
    // eq. 3.2e: value added at the planned price and full output, p^e A K^alpha L^beta (eq.
    // 3.9d); eq. 3.8e: a plant in its ramp-up years produces the share min(1, (age + 1) / R) of
    // it (age after this year's ageing; 1 for other firms).
    const double log_y = in.log_price[j] + la + in.alpha[j] * log_k + in.beta[j] * log_l;
    const double r = in.ramp_years[j];
    const double ramp = r > 1.0 ? std::min(1.0, (in.age[j] + 2.0) / r) : 1.0;
    log_tfp[j] = la;
    log_va[j] = log_y;
    employment[j] = l;
    capital[j] = cap;
    value_added[j] = ramp * vecmath::exp(log_y);
  }
#pragma GCC ivdep
  for (int j = 0; j < W; ++j) {
    const double l = employment[j], cap = capital[j], y = value_added[j];
    // eq. 3.6a: floor space for workers (per-worker need scaled by the site's rent, eq. 3.6d)
    // and for lines held or in progress.
    const double fl = in.floor_pw[j] * l + line_floor * (in.lines[j] + in.projects[j]);
    // eq. 3.3a-b: profit after wages, the user cost of capital and rent above its base level;
    // retained share to cash.
    const double profit = y - in.wage[j] * l - user_cost * cap - in.rent_x[j] * fl;
    const double cash1 = cash[j] + profit - payout * (profit > 0.0 ? profit : 0.0);

    // eq. 3.4b-c: plan a smart line if its valued gain exceeds its cost net of the grant it
    // would get, the firm can pay the whole cost now from cash and credit (the grant comes on
    // completion, eq. 4.1d), and it has fewer projects than the limit (eq. 4.1b). log_gain is
    // -inf at the line cap. The plan becomes a line only if approved and housed (section 4.1).
    // The next line is the (lines + projects + 1)-th: its log gain is what a project adds.
    const double n_next = in.lines[j] + in.projects[j];
    const bool has_gain = (n_next < max_lines) & (decays | (n_next == 0.0));
    const double log_gain = has_gain ? log_gain0 + n_next * log_decay : minus_inf;
    // A plant in its ramp-up years values a line on its full output (log_va, eq. 3.8e).
    const double log_value =
        log_va[j] + in.log_value_factor[j] + log_gain + sn * z_line[j] + noise_mean;
    const bool worth_it = log_value > log_net_cost;
    // eq. 3.4e: how many lines from the next one on would pay without any grant (the no-grant
    // decision, for the additionality count of section 4.1): the k-th of them is worth
    // V delta^k, so 1 + floor(ln(V / c) / -ln delta) of them, at most the lines left to the cap.
    const double surplus = log_value - log_cost, lines_left = max_lines - n_next;
    const double more = !decays           ? 0.0
                        : log_decay < 0.0 ? std::floor(surplus * inv_neg_log_decay)
                                          : lines_left;
    const double own = surplus > 0.0 ? std::min(lines_left, 1.0 + more) : 0.0;
    const bool can_pay = cash1 + credit * cap >= line_cost;
    const bool room = in.projects[j] < project_limit;
    // eq. 3.3c: exit by hazard or by insolvency beyond the credit limit.
    const double age1 = in.age[j] + 1.0;
    const double hazard = age1 < young ? hazard_young : hazard_mature;
    const bool exit = (u_exit[j] < hazard) | (cash1 < -credit * cap);

    cash[j] = cash1;
    floor_space[j] = fl;
    subsidy[j] = 0.0;  // grants received are set later in the year (eq. 4.1d)
    plan[j] = (worth_it & can_pay & room) ? 1.0 + std::min(own, 254.0) : 0.0;
    exits[j] = exit ? 1.0 : 0.0;
    age[j] = age1;
  }
}

}  // namespace

void update_firm_rows(FirmTable& f, std::size_t begin, std::size_t end, const FirmEnvironment& env,
                      const Params& p, const Rng& rng) {
  const KernelConstants k(env, p, rng);
  // Column pointers hoisted into restrict-qualified locals: the uint8 stores could otherwise
  // alias the vectors' own data pointers, forcing reloads and blocking vectorisation.
  const std::uint8_t* __restrict sector = f.sector.data();
  const std::uint8_t* __restrict site = f.site.data();
  const std::int32_t* __restrict lines = f.smart_lines.data();
  const std::uint8_t* __restrict projects = f.projects.data();
  std::int32_t* __restrict age = f.age.data();
  std::uint8_t* __restrict new_lines = f.new_lines.data();
  std::uint8_t* __restrict line_plan = f.line_plan.data();
  std::uint8_t* __restrict exiting = f.exiting.data();
  const std::uint8_t* __restrict ramp_years = f.ramp_years.data();

  NarrowLanes in{};
  alignas(64) double plan[W], exits[W], age1[W];
  // The last chunk's padded copies of the wide columns.
  alignas(64) std::uint64_t pad_id[W];
  alignas(64) double pad_log_tfp[W], pad_l[W], pad_k[W], pad_cash[W], pad_y[W], pad_floor[W],
      pad_subsidy[W];

  // Widen the narrow columns of rows [c, c + m) into `in`; lanes past m repeat row c + m - 1.
  alignas(64) std::uint8_t sector_of[W], site_of[W];
  auto widen = [&](std::size_t c, std::size_t m, auto full) {
    for (std::size_t j = 0; j < W; ++j) {
      const std::size_t i = decltype(full)::value ? c + j : c + std::min<std::size_t>(j, m - 1);
      sector_of[j] = sector[i];
      site_of[j] = site[i];
      in.lines[j] = lines[i];
      in.projects[j] = projects[i];
      in.age[j] = age[i];
      in.ramp_years[j] = ramp_years[i];
    }
    lookup_sector_site(k, sector_of, site_of, in);
  };
  // Narrow results of rows [c, c + count) back to their columns: one loop per column, so each
  // converts and stores in vectors (a loop mixing 4- and 1-byte stores stays scalar).
  auto narrow = [&](std::size_t c, std::size_t count) {
    for (std::size_t j = 0; j < count; ++j) age[c + j] = static_cast<std::int32_t>(age1[j]);
    for (std::size_t j = 0; j < count; ++j) line_plan[c + j] = static_cast<std::uint8_t>(plan[j]);
    for (std::size_t j = 0; j < count; ++j) exiting[c + j] = static_cast<std::uint8_t>(exits[j]);
    // Lines completed are set later in the year (eq. 4.1d).
    std::fill_n(new_lines + c, count, std::uint8_t{0});
  };

  std::size_t c = begin;
  for (; c + W <= end; c += W) {
    widen(c, W, std::true_type{});
    update_chunk(k, in,
                 {f.id.data() + c, f.log_tfp.data() + c, f.employment.data() + c,
                  f.capital.data() + c, f.cash.data() + c, f.value_added.data() + c,
                  f.floor_space.data() + c, f.subsidy.data() + c, plan, exits, age1});
    narrow(c, W);
  }
  if (c < end) {
    const std::size_t m = end - c;
    widen(c, m, std::false_type{});
    for (std::size_t j = 0; j < W; ++j) {
      const std::size_t i = c + std::min<std::size_t>(j, m - 1);
      pad_id[j] = f.id[i];
      pad_log_tfp[j] = f.log_tfp[i];
      pad_l[j] = f.employment[i];
      pad_k[j] = f.capital[i];
      pad_cash[j] = f.cash[i];
    }
    update_chunk(k, in,
                 {pad_id, pad_log_tfp, pad_l, pad_k, pad_cash, pad_y, pad_floor, pad_subsidy, plan,
                  exits, age1});
    std::copy_n(pad_log_tfp, m, f.log_tfp.begin() + static_cast<std::ptrdiff_t>(c));
    std::copy_n(pad_l, m, f.employment.begin() + static_cast<std::ptrdiff_t>(c));
    std::copy_n(pad_k, m, f.capital.begin() + static_cast<std::ptrdiff_t>(c));
    std::copy_n(pad_cash, m, f.cash.begin() + static_cast<std::ptrdiff_t>(c));
    std::copy_n(pad_y, m, f.value_added.begin() + static_cast<std::ptrdiff_t>(c));
    std::copy_n(pad_floor, m, f.floor_space.begin() + static_cast<std::ptrdiff_t>(c));
    std::copy_n(pad_subsidy, m, f.subsidy.begin() + static_cast<std::ptrdiff_t>(c));
    narrow(c, m);
  }
}

}  // namespace nisim::hk
