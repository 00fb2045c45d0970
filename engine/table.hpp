#pragma once
// Agent tables are structs of arrays: each column a std::vector, row i is agent i. A table type
// lists its columns once, in `for_each_column(F&&)`; these helpers then resize, append and
// compact every column together. Rows are added and removed only between phases, never inside
// a parallel loop. Removal keeps the surviving rows in their order (ids stay sorted), so no
// memory address or hash order ever reaches a result.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "engine/parallel.hpp"

namespace nisim {

/// Most columns a table may have (for the fixed-size job list of the parallel compaction).
inline constexpr std::size_t k_max_columns = 64;

namespace detail {
/// Keep column[i] where keep[i] != 0, in order, in place. Branch-free: every row is copied to
/// the output cursor, which advances only past kept rows (out <= i, so nothing is overwritten
/// before it is read). Exits are rare and random, so a branch would mispredict.
template <class Column>
void compact_column(Column& column, std::span<const std::uint8_t> keep) {
  std::size_t out = 0;
  for (std::size_t i = 0; i < keep.size(); ++i) {
    column[out] = column[i];
    out += keep[i] != 0;
  }
  column.resize(out);
}
}  // namespace detail

/// Number of rows (agents) of a table: the length of its first column (every column has it).
template <class Table>
std::size_t rows(const Table& table) {
  std::size_t n = 0;
  bool first = true;
  table.for_each_column([&](const auto& column) {
    if (first) n = column.size();
    first = false;
  });
  return n;
}

/// Resize every column to n rows (new rows value-initialised).
template <class Table>
void resize_rows(Table& table, std::size_t n) {
  table.for_each_column([n](auto& column) { column.resize(n); });
}

/// Reserve capacity for n rows in every column (first touch happens on write).
template <class Table>
void reserve_rows(Table& table, std::size_t n) {
  table.for_each_column([n](auto& column) { column.reserve(n); });
}

/// Remove every row i with keep[i] == 0, keeping the order of the others. Returns the number
/// removed. Precondition: keep.size() == rows(table).
template <class Table>
std::size_t compact_rows(Table& table, std::span<const std::uint8_t> keep) {
  const std::size_t n = rows(table);
  if (keep.size() != n) throw std::logic_error("compact_rows: keep mask has the wrong length");
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) kept += keep[i] != 0;
  if (kept == n) return 0;
  table.for_each_column([&](auto& column) { detail::compact_column(column, keep); });
  return n - kept;
}

/// compact_rows with the columns compacted in parallel, one task per column (each column is
/// independent, so this is exact; it allocates nothing).
template <class Table>
std::size_t compact_rows(Table& table, std::span<const std::uint8_t> keep, Parallel& parallel) {
  const std::size_t n = rows(table);
  if (keep.size() != n) throw std::logic_error("compact_rows: keep mask has the wrong length");
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) kept += keep[i] != 0;
  if (kept == n) return 0;
  // Type-erased column jobs in a fixed array: no allocation.
  struct Job {
    void* column;
    void (*run)(void*, std::span<const std::uint8_t>);
  };
  std::array<Job, k_max_columns> jobs{};
  std::size_t count = 0;
  table.for_each_column([&](auto& column) {
    using Column = std::remove_reference_t<decltype(column)>;
    if (count == k_max_columns) throw std::logic_error("compact_rows: too many columns");
    jobs[count++] = {&column, [](void* c, std::span<const std::uint8_t> mask) {
                       detail::compact_column(*static_cast<Column*>(c), mask);
                     }};
  });
  parallel.for_each_task(count, [&](std::size_t k) { jobs[k].run(jobs[k].column, keep); });
  return n - kept;
}

/// Check every column has the same length (a cheap invariant, run once a year).
template <class Table>
bool columns_consistent(const Table& table) {
  const std::size_t n = rows(table);
  bool ok = true;
  table.for_each_column([&](const auto& column) { ok = ok && column.size() == n; });
  return ok;
}

}  // namespace nisim
