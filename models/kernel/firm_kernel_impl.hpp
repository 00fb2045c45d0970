// The firm update's row loop (sections 3.2-3.4), compiled once per instruction-set target: each
// models/kernel/firm_kernel_<target>.cpp defines NISIM_KERNEL_NS and includes this file with its
// own -march (models/CMakeLists.txt). Every function is in that namespace, and the entry point
// is flattened (every call inlined), so no target's code can be linked in place of another's
// (docs/performance.md, "Runtime dispatch"; tests/models/kernel/check_kernel_symbols.cmake).
#ifndef NISIM_KERNEL_NS
#error "define NISIM_KERNEL_NS (the target's namespace) before including firm_kernel_impl.hpp"
#endif

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "engine/table.hpp"
#include "engine/vecmath.hpp"
#include "models/kernel/firm_kernel.hpp"

namespace nisim::hk::NISIM_KERNEL_NS {

namespace {

constexpr int W = k_kernel_rows;

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
[[gnu::noinline, gnu::flatten]] void update_chunk(const KernelConstants& k, const NarrowLanes& in,
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

/// The firm update of rows [begin, end) (this target's UpdateRowsFn).
[[gnu::flatten]] void update_rows(FirmTable& f, std::size_t begin, std::size_t end,
                                  const KernelConstants& k) {
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

}  // namespace nisim::hk::NISIM_KERNEL_NS
