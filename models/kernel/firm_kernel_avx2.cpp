// The firm update's row loop built for the avx2 target (models/CMakeLists.txt sets its -march).
#define NISIM_KERNEL_NS kernel_avx2
#include "models/kernel/firm_kernel_impl.inc"
