#pragma once
// Agent tables are structs of arrays: each column a std::vector (the firm table's a Column,
// engine/column.hpp, whose large blocks start on a page), row i is agent i. A table type
// lists its columns once, in `for_each_column(F&&)`; these helpers then resize, append and
// compact every column together. Rows are added and removed only between phases, never inside
// a parallel loop. Removal keeps the surviving rows in their order (ids stay sorted), so no
// memory address or hash order ever reaches a result.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "engine/compact.hpp"
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
/// row; rows before it stay). Columns of 1-, 2-, 4- and 8-byte values go through the vectorised
/// kernels of engine/compact.hpp; others through the same branch-free loop: every row is copied
/// to the output cursor, which advances only past kept rows (out <= i, so nothing is overwritten
/// before it is read). Exits are rare and random, so a branch would mispredict.
template <class Column>
void compact_column(Column& column, std::span<const std::uint8_t> keep, std::size_t first) {
  using T = typename Column::value_type;
  if constexpr (k_plain_bytes<T>) {
    const CompactFn fn = compact_kernels().of<T>();
    column.resize(fn(column.data(), keep.data(), first, keep.size()));
  } else {
    std::size_t out = first;
    for (std::size_t i = first; i < keep.size(); ++i) {
      column[out] = column[i];
      out += keep[i] != 0;
    }
    column.resize(out);
  }
}

/// Set every element of `column` to its value-initialised value (all bits zero) and resize it to
/// `length` (<= its size): compact_rows_clearing's clearing of a period's flows. A flow is zero
/// in most rows, so a 64-byte block is written only if some element in it is not already zero:
/// a store would cost the cache line's read and its write back, a test only the read.
template <class Column>
void clear_column(Column& column, std::size_t length) {
  using T = typename Column::value_type;
  if constexpr (k_plain_bytes<T>) {
    constexpr std::size_t width = sizeof(T);
    using Bits = std::conditional_t<
        width == 1, std::uint8_t,
        std::conditional_t<width == 2, std::uint16_t,
                           std::conditional_t<width == 4, std::uint32_t, std::uint64_t>>>;
    static_assert(std::bit_cast<Bits>(T{}) == 0, "a cleared column's zero must be all zero bits");
    constexpr std::size_t per_block = 64 / width;
    T* d = column.data();
    const std::size_t n = column.size();
    std::size_t i = 0;
    for (; i + per_block <= n; i += per_block) {
      Bits any = 0;
      for (std::size_t j = 0; j < per_block; ++j) any |= std::bit_cast<Bits>(d[i + j]);
      if (any != 0) std::fill_n(d + i, per_block, T{});
    }
    for (; i < n; ++i) d[i] = T{};
    column.resize(length);
  } else {
    column.assign(length, T{});
  }
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
  // When at most 1 row in 32 goes (graduates), the kept rows are found once and moved in every
  // column as runs, one copy each; otherwise (exits: firms ~7%, start-ups ~13%) each column is
  // compacted by the vectorised kernels (docs/performance.md, batches and "Sixth round").
  const std::size_t first = detail::first_removed(keep);
  if ((n - kept) * 32 <= n) {
    detail::for_kept_runs(keep, first, [&](const detail::Run* runs, std::size_t count) {
      table.for_each_column([&](auto& column) { detail::move_runs(column, runs, count); });
    });
    table.for_each_column([kept](auto& column) { column.resize(kept); });
  } else {
    table.for_each_column([&](auto& column) { detail::compact_column(column, keep, first); });
  }
  return n - kept;
}

namespace detail {
/// Compact or clear every column in its own task (compact_rows with a Parallel and
/// compact_rows_clearing): visit(kept, cleared) calls kept(column) for each column that keeps
/// its surviving rows and cleared(column) for each that is value-initialised at the new length.
/// Type-erased jobs in a fixed array: no allocation. Returns the number of rows removed.
template <class Table, class Visit>
std::size_t compact_in_tasks(Table& table, std::span<const std::uint8_t> keep, Parallel& parallel,
                             const char* caller, Visit&& visit) {
  const std::size_t n = rows(table);
  if (keep.size() != n)
    throw std::logic_error(std::string(caller) + ": keep mask has the wrong length");
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) kept += keep[i] != 0;
  const std::size_t first = first_removed(keep);
  struct Job {
    void* column;
    void (*run)(void*, std::span<const std::uint8_t>, std::size_t, std::size_t);
  };
  std::array<Job, k_max_columns> jobs{};
  std::size_t count = 0;
  const auto add = [&](void* column, auto run) {
    if (count == k_max_columns) throw std::logic_error(std::string(caller) + ": too many columns");
    jobs[count++] = {column, run};
  };
  visit(
      [&](auto& column) {
        using Column = std::remove_reference_t<decltype(column)>;
        if (kept == n) return;  // nothing to move
        add(&column, [](void* c, std::span<const std::uint8_t> mask, std::size_t from,
                        std::size_t) { compact_column(*static_cast<Column*>(c), mask, from); });
      },
      [&](auto& column) {
        using Column = std::remove_reference_t<decltype(column)>;
        add(&column, [](void* c, std::span<const std::uint8_t>, std::size_t, std::size_t length) {
          clear_column(*static_cast<Column*>(c), length);  // shrinks: no allocation
        });
      });
  parallel.for_each_task(count,
                         [&](std::size_t k) { jobs[k].run(jobs[k].column, keep, first, kept); });
  return n - kept;
}
}  // namespace detail

/// compact_rows with the columns compacted in parallel, one task per column (each column is
/// independent, so this is exact; it allocates nothing).
template <class Table>
std::size_t compact_rows(Table& table, std::span<const std::uint8_t> keep, Parallel& parallel) {
  if (parallel.threads() == 1) return compact_rows(table, keep);  // e.g. one run of a batch
  return detail::compact_in_tasks(table, keep, parallel, "compact_rows",
                                  [&table](auto&& kept, auto&&) { table.for_each_column(kept); });
}

/// Remove every row i with keep[i] == 0 at the end of a period, from a table whose columns are
/// of two kinds (table.for_each_column_at_period_end(kept, cleared) calls kept(column) or
/// cleared(column) once for each of its columns): kept columns keep their surviving rows in
/// order, as compact_rows does; cleared columns (the period's flows, which start the next period
/// at zero) become value-initialised at the new length, which writes them once instead of reading
/// and writing them. One task per column, as the parallel compact_rows; allocates nothing. Returns
/// the number removed. Precondition: keep.size() == rows(table).
template <class Table>
std::size_t compact_rows_clearing(Table& table, std::span<const std::uint8_t> keep,
                                  Parallel& parallel) {
  return detail::compact_in_tasks(table, keep, parallel, "compact_rows_clearing",
                                  [&table](auto&& kept, auto&& cleared) {
                                    table.for_each_column_at_period_end(kept, cleared);
                                  });
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
