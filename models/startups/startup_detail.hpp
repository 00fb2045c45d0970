#pragma once
// Helpers shared by the start-up sources (docs/model.md section 5). Not part of the API.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/table.hpp"
#include "models/startups/startups.hpp"

namespace nisim::hk::startup_detail {

/// Poisson(lambda) count (eq. 5.2a): by inversion of the uniform `u` in (0, 1) for lambda < 50,
/// else the normal approximation lambda + sqrt(lambda) z rounded and floored at 0, with `z` a
/// standard normal drawn independently of `u`.
inline std::int64_t poisson(double lambda, double u, double z) {
  if (!(lambda > 0.0)) return 0;
  if (lambda >= 50.0) {
    return static_cast<std::int64_t>(std::max(0.0, std::round(lambda + std::sqrt(lambda) * z)));
  }
  double p = std::exp(-lambda);
  double cdf = p;
  std::int64_t k = 0;
  while (u > cdf && k < 1000) {
    ++k;
    p *= lambda / static_cast<double>(k);
    cdf += p;
  }
  return k;
}

/// Field drawn from the origin's shares (normalised) by u in (0, 1). Section 5.2.
inline Field field_for(const StartupParams& p, Origin origin, double u) {
  const auto& share = p.field_share[static_cast<int>(origin)];
  double total = 0.0;
  for (double s : share) total += s;
  if (!(total > 0.0)) return Field::software_services;
  double acc = 0.0;
  for (int f = 0; f < k_fields; ++f) {
    acc += share[f] / total;
    if (u < acc) return static_cast<Field>(f);
  }
  for (int f = k_fields - 1; f >= 0; --f) {  // rounding: the last field with a positive share
    if (share[f] > 0.0) return static_cast<Field>(f);
  }
  return Field::software_services;
}

/// Years in a stage after which employment stops growing, plus one (eq. 5.1b).
inline constexpr int k_employment_years = 11;

/// Employment of a start-up `years` into `stage` (eq. 5.1b).
inline double stage_employment(const StartupParams& p, int stage, int years) {
  return p.stage[stage].employment *
         std::pow(1.0 + p.employment_growth,
                  static_cast<double>(std::min(years, k_employment_years - 1)));
}

/// Median post-money of a round of `stage` (eq. 5.3c with the median round), HK$ M.
inline double median_post_money(const StartupParams& p, int stage) {
  if (stage == 0) return p.pre_seed_valuation;
  return p.stage[stage].round_median / p.share_sold;
}

/// Append a start-up born in `year` and return its row. Other columns are zero.
inline std::size_t add_startup(StartupSystem& sys, int year, Origin origin, Field field,
                               Stage stage, double employment, double post_money) {
  StartupTable& t = sys.table;
  const std::size_t row = append_row(t);
  t.id[row] = sys.next_id++;
  t.field[row] = static_cast<std::uint8_t>(field);
  t.origin[row] = static_cast<std::uint8_t>(origin);
  t.stage[row] = static_cast<std::uint8_t>(stage);
  t.birth_year[row] = year;
  t.employment[row] = employment;
  t.post_money[row] = post_money;
  ++sys.births[static_cast<int>(origin)];
  return row;
}

/// Bit `k` of `mask` (0 or 1). A per-row test written with it is a shift, not a branch: GCC
/// turns `a & b` of two comparisons into jumps, which mispredict on rows in random order.
constexpr unsigned bit(unsigned mask, unsigned k) {
  return (mask >> (k & 31U)) & 1U;
}

/// The fields f with pred(f), as a mask for bit().
constexpr unsigned field_mask(bool (*pred)(Field)) {
  unsigned mask = 0;
  for (int f = 0; f < k_fields; ++f) mask |= pred(static_cast<Field>(f)) ? 1U << f : 0U;
  return mask;
}

/// For the rows i of `t` with want(i), in row order, draw u = rng.uniform(year, t.id[i], what)
/// 64 at a time (uniform_chunk, exactly the scalar draws) and call use(rows, u, m) on each chunk:
/// rows[j] is a wanted row, u[j] its draw, j < m. Rows are gathered without a branch (want
/// should use & rather than &&), as the tests are random and a branch would mispredict. use
/// must not change what want reads.
template <class Want, class Use>
void for_drawn_chunks(const StartupTable& t, const Rng& rng, int year, Purpose what, Want&& want,
                      Use&& use) {
  alignas(64) std::uint64_t ids[k_uniform_lanes];
  alignas(64) double u[k_uniform_lanes];
  std::size_t row[k_uniform_lanes];
  std::size_t m = 0;
  const std::size_t n = t.id.size();
  for (std::size_t i = 0; i < n; ++i) {
    ids[m] = t.id[i];
    row[m] = i;
    m += static_cast<std::size_t>(want(i));  // want: a bool, or 0 or 1
    if (m == k_uniform_lanes) {
      uniform_chunk(rng, year, ids, m, what, 0, u);
      use(static_cast<const std::size_t*>(row), static_cast<const double*>(u), m);
      m = 0;
    }
  }
  if (m > 0) {
    uniform_chunk(rng, year, ids, m, what, 0, u);
    use(static_cast<const std::size_t*>(row), static_cast<const double*>(u), m);
  }
}

/// Return a leaving start-up's unpaid TSSSU commitment to the scheme (section 5.6).
inline void release_pending(StartupSystem& sys, std::size_t row) {
  if (sys.table.grant_pending[row] > 0.0) {
    sys.tsssu.budget.release(sys.table.grant_pending[row]);
    sys.table.grant_pending[row] = 0.0;
  }
}

}  // namespace nisim::hk::startup_detail
