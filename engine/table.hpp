#pragma once
// Agent tables are structs of arrays: each column a std::vector, row i is agent i. A table type
// lists its columns once, in `for_each_column(F&&)`; these helpers then resize, append and
// compact every column together. Rows are added and removed only between phases, never inside
// a parallel loop. Removal keeps the surviving rows in their order (ids stay sorted), so no
// memory address or hash order ever reaches a result.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "engine/parallel.hpp"

namespace nisim {

/// Most columns a table may have (for the fixed-size job list of the parallel compaction).
inline constexpr std::size_t k_max_columns = 64;

namespace detail {
/// Index of the first row with keep[i] == 0, or keep.size() if there is none.
inline std::size_t first_removed(std::span<const std::uint8_t> keep) {
  const void* z = keep.empty() ? nullptr : std::memchr(keep.data(), 0, keep.size());
  return z == nullptr ? keep.size()
                      : static_cast<std::size_t>(static_cast<const std::uint8_t*>(z) - keep.data());
}

/// Keep column[i] where keep[i] != 0, in order, in place, from row `first` (the first removed
/// row; rows before it stay). Branch-free: every row is copied to the output cursor, which
/// advances only past kept rows (out <= i, so nothing is overwritten before it is read). Exits
/// are rare and random, so a branch would mispredict.
template <class Column>
void compact_column(Column& column, std::span<const std::uint8_t> keep, std::size_t first) {
  std::size_t out = first;
  for (std::size_t i = first; i < keep.size(); ++i) {
    column[out] = column[i];
    out += keep[i] != 0;
  }
  column.resize(out);
}

/// Rows [begin, begin + size), all kept, move to [to, to + size); to < begin.
struct Run {
  std::size_t begin, size, to;
};
/// Runs handed over at a time by for_kept_runs (a fixed array: no allocation).
inline constexpr std::size_t k_run_block = 256;

/// Call f(runs, count) for the runs of kept rows after row `first` (the first removed row), in
/// order, up to k_run_block at a time. Moving the runs in order, column by column and block by
/// block, compacts a column: each run lands below every row later runs still have to read.
template <class F>
void for_kept_runs(std::span<const std::uint8_t> keep, std::size_t first, F&& f) {
  std::array<Run, k_run_block> runs{};
  std::size_t count = 0, to = first, i = first;
  const std::size_t n = keep.size();
  for (;;) {
    while (i < n && keep[i] == 0) ++i;
    if (i == n) break;
    const std::size_t begin = i;
    while (i < n && keep[i] != 0) ++i;
    runs[count++] = {begin, i - begin, to};
    to += i - begin;
    if (count == k_run_block) {
      f(runs.data(), count);
      count = 0;
    }
  }
  if (count > 0) f(runs.data(), count);
}

/// Rows handed over at a time by for_kept_rows (a fixed array: no allocation).
inline constexpr std::size_t k_row_block = 1024;

/// Call f(rows, count, to) for the kept rows after row `first` (the first removed row), in
/// order, up to k_row_block at a time: rows[0..count) move to to, to + 1, ... (to <= rows[0]).
template <class F>
void for_kept_rows(std::span<const std::uint8_t> keep, std::size_t first, F&& f) {
  std::array<std::uint32_t, k_row_block> rows{};
  std::size_t count = 0, to = first;
  for (std::size_t i = first; i < keep.size(); ++i) {
    rows[count] = static_cast<std::uint32_t>(i);  // branch-free: kept rows advance the count
    count += keep[i] != 0;
    if (count == k_row_block) {
      f(rows.data(), count, to);
      to += count;
      count = 0;
    }
  }
  if (count > 0) f(rows.data(), count, to);
}

/// Move rows[0..count) of `column` to to, to + 1, ... (for_kept_rows).
template <class Column>
void move_rows(Column& column, const std::uint32_t* rows, std::size_t count, std::size_t to) {
  auto* d = column.data();
  for (std::size_t k = 0; k < count; ++k) d[to + k] = d[rows[k]];
}

/// Move `count` runs of `column` (for_kept_runs), each by one copy.
template <class Column>
void move_runs(Column& column, const Run* runs, std::size_t count) {
  auto* d = column.data();
  for (std::size_t r = 0; r < count; ++r) {
    std::copy(d + runs[r].begin, d + runs[r].begin + runs[r].size, d + runs[r].to);
  }
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

/// Append one value-initialised row and return its index (amortised, like push_back; cheaper
/// than resize_rows(table, rows + 1), which calls out of line for every column).
template <class Table>
std::size_t append_row(Table& table) {
  const std::size_t row = rows(table);
  table.for_each_column([](auto& column) { column.emplace_back(); });
  return row;
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
  // The kept rows are found once, then moved in every column: when at most 1 row in 32 goes
  // (graduates), as runs, one copy each; otherwise (exits: firms ~7%, start-ups ~13%) row by
  // row from a list of kept rows, with no test per row (docs/performance.md, batches).
  const std::size_t first = detail::first_removed(keep);
  if ((n - kept) * 32 <= n || n > std::numeric_limits<std::uint32_t>::max()) {
    detail::for_kept_runs(keep, first, [&](const detail::Run* runs, std::size_t count) {
      table.for_each_column([&](auto& column) { detail::move_runs(column, runs, count); });
    });
  } else {
    detail::for_kept_rows(
        keep, first, [&](const std::uint32_t* list, std::size_t count, std::size_t to) {
          table.for_each_column([&](auto& column) { detail::move_rows(column, list, count, to); });
        });
  }
  table.for_each_column([kept](auto& column) { column.resize(kept); });
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
  if (parallel.threads() == 1) return compact_rows(table, keep);  // e.g. one run of a batch
  const std::size_t first = detail::first_removed(keep);
  // Type-erased column jobs in a fixed array: no allocation.
  struct Job {
    void* column;
    void (*run)(void*, std::span<const std::uint8_t>, std::size_t);
  };
  std::array<Job, k_max_columns> jobs{};
  std::size_t count = 0;
  table.for_each_column([&](auto& column) {
    using Column = std::remove_reference_t<decltype(column)>;
    if (count == k_max_columns) throw std::logic_error("compact_rows: too many columns");
    jobs[count++] = {&column, [](void* c, std::span<const std::uint8_t> mask, std::size_t from) {
                       detail::compact_column(*static_cast<Column*>(c), mask, from);
                     }};
  });
  parallel.for_each_task(count, [&](std::size_t k) { jobs[k].run(jobs[k].column, keep, first); });
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
