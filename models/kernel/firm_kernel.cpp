// The table of the firm update's kernel builds (models/kernel/firm_kernel.hpp). Compiled with the
// build's default flags: it only names the builds, which models/CMakeLists.txt compiles per
// target and announces with NISIM_KERNEL_<TARGET>.
#include "models/kernel/firm_kernel.hpp"

namespace nisim::hk {

UpdateRowsFn firm_kernel(SimdTarget target) noexcept {
  switch (target) {
#if defined(NISIM_KERNEL_BASELINE)
    case SimdTarget::baseline:
      return &kernel_baseline::update_rows;
#endif
#if defined(NISIM_KERNEL_AVX2)
    case SimdTarget::avx2:
      return &kernel_avx2::update_rows;
#endif
#if defined(NISIM_KERNEL_AVX512)
    case SimdTarget::avx512:
      return &kernel_avx512::update_rows;
#endif
#if defined(NISIM_KERNEL_NATIVE)
    case SimdTarget::native:
      return &kernel_native::update_rows;
#endif
    default:
      return nullptr;
  }
}

}  // namespace nisim::hk
