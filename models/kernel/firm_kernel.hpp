#pragma once
// The firm update's kernel (docs/model.md sections 3.2-3.4; docs/performance.md, "Runtime
// dispatch"): the year's constants, and one build of the row loop per instruction-set target
// (models/kernel/firm_kernel_impl.inc, compiled by firm_kernel_<target>.cpp), picked at run time.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "engine/rng.hpp"
#include "engine/simd_target.hpp"
#include "models/firms.hpp"
#include "models/params.hpp"

namespace nisim::hk {

/// Rows per chunk of the firm update: the kernel works on W = k_kernel_rows rows at a time, so
/// every loop has a fixed trip count and vectorises with no remainder. The last chunk of a range is
/// copied into padded buffers (its last row repeated) and goes through the same compiled function
/// as a full chunk; padded lanes are never stored. Each row therefore goes through exactly the same
/// instructions wherever it sits, which keeps results bitwise independent of block boundaries
/// and thread count.
inline constexpr int k_kernel_rows = 64;

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

/// The firm update of rows [begin, end) with the year's constants `k`: one instruction-set
/// build of models/kernel/firm_kernel_impl.inc.
using UpdateRows = void(FirmTable& f, std::size_t begin, std::size_t end, const KernelConstants& k);
using UpdateRowsFn = UpdateRows*;

/// The builds (models/CMakeLists.txt compiles those of the build's targets).
namespace kernel_baseline {
UpdateRows update_rows;
}
namespace kernel_avx2 {
UpdateRows update_rows;
}
namespace kernel_avx512 {
UpdateRows update_rows;
}
namespace kernel_native {
UpdateRows update_rows;
}

/// The kernel built for `target`, or nullptr if this binary has none (simd_target_built).
UpdateRowsFn firm_kernel(SimdTarget target) noexcept;

}  // namespace nisim::hk
