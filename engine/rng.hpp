#pragma once
// Counter-based random numbers (Random123 Philox4x32-10). A draw is a pure function of
// (seed, year, agent id, purpose, index): it never depends on thread count, scheduling, or on
// what any other phase, agent or policy drew. That is what makes runs bitwise reproducible
// across thread counts and makes common random numbers exact when policy variants are compared
// (docs/model.md section 2.3).
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <numbers>

namespace nisim {

/// What a draw is for. Each random decision in a model owns one purpose value, so adding a draw
/// for one decision never shifts the numbers another decision sees.
using Purpose = std::uint16_t;

/// Four 32-bit words of one Philox block.
struct RandomBits {
  std::uint32_t w[4];
};

/// The generator: stateless, keyed by the run's seed. Cheap to copy.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}} {}

  /// 128 random bits for the event (year, agent, purpose, index).
  RandomBits bits(std::int32_t year, std::uint64_t agent, Purpose purpose,
                  std::uint16_t index = 0) const noexcept {
    using G = r123::Philox4x32;
    const G::ctr_type ctr = {
        {static_cast<std::uint32_t>(agent), static_cast<std::uint32_t>(agent >> 32),
         static_cast<std::uint32_t>(year), (static_cast<std::uint32_t>(purpose) << 16) | index}};
    const G::ctr_type r = G{}(ctr, key_);
    return {{r.v[0], r.v[1], r.v[2], r.v[3]}};
  }

  /// Uniform on the open interval (0, 1), 32 bits of resolution.
  double uniform(std::int32_t year, std::uint64_t agent, Purpose purpose,
                 std::uint16_t index = 0) const noexcept {
    return to_open_unit(bits(year, agent, purpose, index).w[0]);
  }

  /// Standard normal (Box-Muller on two words of one block).
  double normal(std::int32_t year, std::uint64_t agent, Purpose purpose,
                std::uint16_t index = 0) const noexcept {
    const RandomBits b = bits(year, agent, purpose, index);
    return box_muller(to_open_unit(b.w[0]), to_open_unit(b.w[1]));
  }

  /// Map 32 random bits to (0, 1): (k + 0.5) / 2^32, never 0 or 1.
  static double to_open_unit(std::uint32_t k) noexcept {
    return (static_cast<double>(k) + 0.5) * 0x1p-32;
  }
  /// One standard normal from two independent uniforms on (0, 1).
  static double box_muller(double u1, double u2) noexcept {
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  r123::Philox4x32::key_type key_;
};

/// Seed of stream `stream` derived from a master seed (e.g. replication r of a batch), by one
/// Philox block: distinct streams give unrelated seeds.
inline std::uint64_t derive_seed(std::uint64_t master, std::uint64_t stream) noexcept {
  const RandomBits b = Rng(master).bits(0, stream, 0xFFFF, 0xFFFF);
  return (static_cast<std::uint64_t>(b.w[1]) << 32) | b.w[0];
}

}  // namespace nisim
