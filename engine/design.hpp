#pragma once
// Experimental designs for scenario batches: sets of points in the unit hypercube [0, 1]^d, one
// row per point and one column per parameter. The caller maps them to parameter ranges (scale).
// Every design is a pure function of its arguments; the random ones draw from the counter-based
// Rng, so a design never depends on thread count or on anything else drawn in the process.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace nisim {

/// A design: points[i][j] is coordinate j (parameter j) of point i.
using Points = std::vector<std::vector<double>>;

/// Highest dimension sobol_points supports (dimension 1 plus 20 rows of Joe-Kuo numbers).
inline constexpr std::size_t sobol_max_dimension = 21;

/// Full factorial grid: levels[j] values per dimension j, at k / (levels[j] - 1) for
/// k = 0..levels[j]-1 (0.5 when levels[j] == 1). Row-major: the last dimension varies fastest.
/// Throws std::invalid_argument if levels is empty or a level count is below 1, and
/// std::length_error if the point count overflows.
Points full_grid(const std::vector<int>& levels);

/// Latin hypercube of n points in d dimensions: in every dimension each stratum [k/n, (k+1)/n)
/// holds exactly one point, at a uniformly jittered position; strata are matched across
/// dimensions by independent random permutations. Reproducible for a seed. Throws
/// std::invalid_argument if d is 0 or above 65535.
Points latin_hypercube(std::size_t n, std::size_t d, std::uint64_t seed);

/// Points skip .. skip+n-1 of the (unscrambled) Sobol' sequence in d <= sobol_max_dimension
/// dimensions, with Joe-Kuo direction numbers (new-joe-kuo-6.21201), 32-bit Gray-code
/// construction. Point 0 is the origin; dimension 1 then reads 0.5, 0.75, 0.25, 0.375, ... (van
/// der Corput in Gray-code order). Coordinates are multiples of 2^-32 in [0, 1). Keep the origin
/// (skip = 0) and take n a power of two: each aligned block of 2^m points is a (t, m, d)-net, a
/// property any other start or length loses; skip = n continues a design with its next block.
/// Throws std::invalid_argument if d is 0 or above sobol_max_dimension, or if skip + n > 2^32.
Points sobol_points(std::size_t n, std::size_t d, std::size_t skip = 0);

/// Maps unit-hypercube points to boxes: x -> lower[j] + x (upper[j] - lower[j]) per column j.
/// Throws std::invalid_argument if lower, upper and every point do not have the same length.
Points scale(const Points& points, const std::vector<double>& lower,
             const std::vector<double>& upper);

}  // namespace nisim
