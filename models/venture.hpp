#pragma once
// The interface between start-ups (models/startups/) and the funds that finance them
// (models/funds/): each year start-ups ask for rounds, funds and outside investors clear them,
// start-ups exit, and fund holdings are realised (docs/model.md sections 5 and 6).
// Only plain records cross this line, in start-up id order, so either side can change its
// internals without touching the other.
#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "engine/rng.hpp"

namespace nisim::hk {

/// Stages of a start-up (section 5.1). A round of stage s, when funded, moves a start-up
/// from stage s - 1 to s (pre-seed is the stage at birth, before any priced round).
enum class Stage : std::uint8_t { pre_seed = 0, seed = 1, series_a = 2, series_b = 3, growth = 4 };
inline constexpr int k_stages = 5;
inline constexpr std::array<std::string_view, k_stages> k_stage_names = {
    "pre_seed", "seed", "series_a", "series_b", "growth"};

/// A start-up's field (section 5.1). Hardware and the strategic industries can graduate into
/// manufacturing; software and services cannot.
enum class Field : std::uint8_t {
  software_services = 0,
  hardware = 1,
  life_health_tech = 2,
  ai_data = 3,
  advanced_mfg_new_energy = 4
};
inline constexpr int k_fields = 5;
inline constexpr std::array<std::string_view, k_fields> k_field_names = {
    "software_services", "hardware", "life_health_tech", "ai_data", "advanced_mfg_new_energy"};
/// "Hard tech" in the I&T Industry-Oriented Fund's sense: everything but software and services.
constexpr bool hard_tech(Field f) {
  return f != Field::software_services;
}
/// The three strategic industries of the policy (life and health technology; AI and data
/// science; advanced manufacturing and new energy technology), the ITVF funds' mandate (6.5).
constexpr bool strategic(Field f) {
  return f == Field::life_health_tech || f == Field::ai_data || f == Field::advanced_mfg_new_energy;
}

/// A start-up raising a round this year (section 5.3). Requests are listed in start-up id order.
struct RoundRequest {
  std::uint64_t startup_id = 0;
  Stage stage = Stage::seed;  ///< the stage reached if the round closes
  Field field = Field::software_services;
  bool hong_kong = true;   ///< HK firm or HK I&T operations (ITVF eligibility)
  double amount = 0.0;     ///< money sought, HK$ M
  double pre_money = 0.0;  ///< pre-money valuation, HK$ M
};

/// Calls draw(ids, m, first) for requests [first, first + m) in chunks of k_uniform_lanes, with
/// ids[j] the start-up id of request first + j: the shape of every per-request draw keyed by
/// start-up (uniform_chunk, normal_chunk), on either side of this interface.
template <class Draw>
void for_request_chunks(std::span<const RoundRequest> requests, Draw&& draw) {
  alignas(64) std::uint64_t ids[k_uniform_lanes];
  for (std::size_t c = 0; c < requests.size(); c += k_uniform_lanes) {
    const std::size_t m = std::min(k_uniform_lanes, requests.size() - c);
    for (std::size_t j = 0; j < m; ++j) ids[j] = requests[c + j].startup_id;
    draw(static_cast<const std::uint64_t*>(ids), m, c);
  }
}

/// How a round cleared (section 6.3), one per request, same order.
struct RoundOutcome {
  bool funded = false;
  double from_funds = 0.0;      ///< invested by modelled funds, HK$ M
  double from_outside = 0.0;    ///< invested by investors outside the modelled funds, HK$ M
  std::int32_t lead_fund = -1;  ///< row of the modelled fund that invested, or -1
};

/// A start-up leaving the population this year (section 5.4), in id order.
struct StartupExit {
  enum class Kind : std::uint8_t { failure = 0, acquisition = 1, listing = 2 };
  std::uint64_t startup_id = 0;
  Kind kind = Kind::failure;
  double equity_value = 0.0;  ///< value of 100% of the equity at exit, HK$ M (0 on failure)
};

}  // namespace nisim::hk

namespace nisim::hk {

/// A start-up ready to scale production in Hong Kong and become a manufacturing firm
/// (section 5.5). It graduates only if floor space is found for it this year; otherwise it
/// stays a start-up and may try again next year.
struct Graduate {
  std::uint64_t startup_id = 0;
  Field field = Field::hardware;
  double employment = 0.0;   ///< persons engaged when it starts producing
  double investment = 0.0;   ///< capital it brings to its first plant, HK$ M
  double floor_space = 0.0;  ///< floor space it needs, m2
};

}  // namespace nisim::hk
