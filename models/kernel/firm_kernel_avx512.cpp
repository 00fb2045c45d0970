// The firm update's row loop built for the avx512 target (models/CMakeLists.txt sets its -march).
#define NISIM_KERNEL_NS kernel_avx512
#include "models/kernel/firm_kernel_impl.inc"
