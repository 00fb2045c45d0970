#pragma once
// Seeds: one range and one strict reading for `--seed`, a scenario's `run.seed` and a batch's
// the scenario key `run.seed` (docs/scenarios.md): a decimal integer in [0, 9.2 x 10^18], so
// that the seed fits the int64 `seed` attribute of a run file; no sign, no leading zero (so
// "010" is read neither as octal eight nor as ten), no wrap-around and no clamping. The range
// is compared in integers, never in double precision.
#include <cstdint>
#include <optional>
#include <string_view>

namespace nisim {

inline constexpr std::uint64_t k_max_seed = 9200000000000000000ULL;  // 9.2e18, exact in a double

/// The seed written `text`, or nothing if it is not a decimal integer in [0, k_max_seed]
/// without sign, spaces or leading zeros.
inline std::optional<std::uint64_t> parse_seed(std::string_view text) {
  if (text.empty() || text.size() > 19 || (text.size() > 1 && text.front() == '0')) return {};
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return {};
    value = value * 10 + static_cast<std::uint64_t>(c - '0');  // 19 digits fit in 64 bits
  }
  if (value > k_max_seed) return {};
  return value;
}

}  // namespace nisim
