#pragma once
// The storage of an agent table's columns (engine/table.hpp): std::vector with an allocator that
// starts every large column on a page (docs/performance.md, "Eighth round").
#include <cstddef>
#include <limits>
#include <memory>
#include <new>
#include <vector>

namespace nisim {

/// std::allocator, except that a block of k_paged_bytes (64 KiB) or more starts on a 4 KiB page,
/// wasting at most 6% of it. A phase that streams through many columns at once (the firm update
/// reads 11 and writes 9) then sees every large column at the same offset within a page, so a
/// load from one column does not share the low 12 address bits of a recent store to another and
/// wait for it (4K aliasing). glibc maps large blocks 16 bytes into a page, but serves them from
/// the heap, at arbitrary offsets, once its mmap threshold has risen (any freed mapping raises
/// it): `BM_FirmUpdate` at 1e6 firms then ran at 62-74 M firms/s on one thread instead of 84-90 M
/// (docs/performance.md, "Eighth round").
template <class T>
struct ColumnAllocator {
  using value_type = T;
  static constexpr std::size_t k_page = 4096;
  static constexpr std::size_t k_paged_bytes = std::size_t{1} << 16;

  ColumnAllocator() = default;
  template <class U>
  explicit(false) ColumnAllocator(const ColumnAllocator<U>& /*other*/) noexcept {}

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < k_paged_bytes) return std::allocator<T>{}.allocate(n);
    return static_cast<T*>(::operator new (bytes, std::align_val_t{k_page}));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < k_paged_bytes) {
      std::allocator<T>{}.deallocate(p, n);
    } else {
      ::operator delete (p, std::align_val_t{k_page});
    }
  }
  template <class U>
  bool operator==(const ColumnAllocator<U>& /*other*/) const noexcept {
    return true;  // stateless: any instance frees what another allocated
  }
};

/// One column of an agent table: values of type T, row i at index i.
template <class T>
using Column = std::vector<T, ColumnAllocator<T>>;

}  // namespace nisim
